package dev.jobtrace.job;

import io.opentelemetry.context.Scope;
import net.bytebuddy.asm.Advice;

/** Advice around a job framework's bookkeeping method: see {@link Bookkeeping}. */
@SuppressWarnings("unused")
public final class BookkeepingAdvice {

  private BookkeepingAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static Scope onEnter(@Advice.Origin("#t") String type) {
    return Bookkeeping.enter(type);
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  public static void onExit(@Advice.Enter Scope scope) {
    Bookkeeping.exit(scope);
  }

  /** Around bookkeeping that also runs inside jobs: see {@link Bookkeeping#enterAnywhere}. */
  public static final class Anywhere {
    private Anywhere() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Scope onEnter(@Advice.Origin("#t") String type) {
      return Bookkeeping.enterAnywhere(type);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(@Advice.Enter Scope scope) {
      Bookkeeping.exit(scope);
    }
  }
}
