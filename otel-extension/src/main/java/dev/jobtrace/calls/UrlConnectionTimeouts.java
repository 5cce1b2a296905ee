package dev.jobtrace.calls;

import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.jobtrace.bootstrap.CallTimeouts;
import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import io.opentelemetry.javaagent.extension.instrumentation.TypeTransformer;
import java.net.URLConnection;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * The JDK's {@code HttpURLConnection} (plain and, through its delegate, HTTPS) reports its read
 * timeout, the longest it waits for the server's data and the nearest it has to a request timeout,
 * and its connect timeout, as it connects and reads: both are infinite unless set.
 */
public final class UrlConnectionTimeouts implements TypeInstrumentation {

  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return named("sun.net.www.protocol.http.HttpURLConnection");
  }

  @Override
  public void transform(TypeTransformer transformer) {
    transformer.applyAdviceToMethod(
        named("connect")
            .or(named("getInputStream"))
            .or(named("getOutputStream"))
            .and(isPublic())
            .and(takesArguments(0)),
        UrlConnectionTimeouts.class.getName() + "$CallAdvice");
  }

  @SuppressWarnings("unused")
  public static class CallAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(@Advice.This URLConnection connection) {
      CallTimeouts.http(connection.getReadTimeout(), connection.getConnectTimeout());
    }
  }
}
