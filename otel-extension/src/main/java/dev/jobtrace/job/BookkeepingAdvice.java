package dev.jobtrace.job;

import io.opentelemetry.context.Scope;
import net.bytebuddy.asm.Advice;

/** Advice around a job framework's bookkeeping method: see {@link Bookkeeping}. */
@SuppressWarnings("unused")
public final class BookkeepingAdvice {

  private BookkeepingAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static Scope onEnter() {
    return Bookkeeping.enter();
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  public static void onExit(@Advice.Enter Scope scope) {
    Bookkeeping.exit(scope);
  }
}
