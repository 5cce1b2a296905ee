package dev.jobtrace.vthreads;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.jobtrace.bootstrap.VirtualThreadMounts;
import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import io.opentelemetry.javaagent.extension.instrumentation.TypeTransformer;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/** {@code VirtualThread.mount()} and {@code unmount()}, the two places a carrier changes hands. */
public final class VirtualThreadInstrumentation implements TypeInstrumentation {

  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return named("java.lang.VirtualThread");
  }

  @Override
  public void transform(TypeTransformer transformer) {
    transformer.applyAdviceToMethod(
        named("mount").and(takesArguments(0)),
        VirtualThreadInstrumentation.class.getName() + "$MountAdvice");
    transformer.applyAdviceToMethod(
        named("unmount").and(takesArguments(0)),
        VirtualThreadInstrumentation.class.getName() + "$UnmountAdvice");
  }

  @SuppressWarnings("unused")
  public static class MountAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void onExit(
        @Advice.This Thread virtualThread, @Advice.FieldValue("carrierThread") Thread carrier) {
      VirtualThreadMounts.mounted(virtualThread, carrier);
    }
  }

  @SuppressWarnings("unused")
  public static class UnmountAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(
        @Advice.This Thread virtualThread, @Advice.FieldValue("carrierThread") Thread carrier) {
      VirtualThreadMounts.unmounting(virtualThread, carrier);
    }
  }
}
