package dev.jobtrace.calls;

import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;

import dev.jobtrace.bootstrap.CallTimeouts;
import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import io.opentelemetry.javaagent.extension.instrumentation.TypeTransformer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Optional;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/** The JDK's HTTP client reports each request's timeout and its own connect timeout as it sends. */
public final class JavaHttpClientTimeouts implements TypeInstrumentation {

  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return named("jdk.internal.net.http.HttpClientImpl");
  }

  @Override
  public void transform(TypeTransformer transformer) {
    transformer.applyAdviceToMethod(
        named("send")
            .or(named("sendAsync"))
            .and(isPublic())
            .and(takesArgument(0, named("java.net.http.HttpRequest"))),
        JavaHttpClientTimeouts.class.getName() + "$SendAdvice");
  }

  @SuppressWarnings("unused")
  public static class SendAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(
        @Advice.This HttpClient client, @Advice.Argument(0) HttpRequest request) {
      Optional<Duration> timeout = request.timeout();
      Optional<Duration> connect = client.connectTimeout();
      CallTimeouts.http(
          timeout.isPresent() ? timeout.get().toMillis() : 0L,
          connect.isPresent() ? connect.get().toMillis() : 0L);
    }
  }
}
