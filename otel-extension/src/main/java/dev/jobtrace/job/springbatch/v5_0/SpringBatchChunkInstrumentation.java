package dev.jobtrace.job.springbatch.v5_0;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.opentelemetry.javaagent.extension.instrumentation.TypeInstrumentation;
import io.opentelemetry.javaagent.extension.instrumentation.TypeTransformer;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Where a chunk starts and ends, and its read and write phases, in both chunk implementations: the
 * {@code TaskletStep} with a {@code ChunkOrientedTasklet} (5.x, and 6.x's deprecated builder
 * methods), whose chunk provider reads and chunk processor writes, and 6.x's {@code
 * ChunkOrientedStep}. The process phase is the rest of the chunk's time.
 */
public final class SpringBatchChunkInstrumentation implements TypeInstrumentation {

  private static final String ITEM = "org.springframework.batch.core.step.item.";

  @Override
  public ElementMatcher<TypeDescription> typeMatcher() {
    return namedOneOf(
        ITEM + "ChunkOrientedTasklet",
        ITEM + "ChunkOrientedStep",
        ITEM + "SimpleChunkProvider",
        ITEM + "SimpleChunkProcessor",
        ITEM + "FaultTolerantChunkProcessor");
  }

  @Override
  public void transform(TypeTransformer transformer) {
    String advice = SpringBatchChunkInstrumentation.class.getName();
    // ChunkOrientedTasklet.execute(contribution, chunkContext)
    transformer.applyAdviceToMethod(
        named("execute").and(takesArguments(2)).and(isDeclaredBy(ITEM + "ChunkOrientedTasklet")),
        advice + "$TaskletChunkAdvice");
    // ChunkOrientedStep.processChunkSequentially / processChunkConcurrently(status, contribution,
    // stepExecution)
    transformer.applyAdviceToMethod(
        namedOneOf("processChunkSequentially", "processChunkConcurrently").and(takesArguments(3)),
        advice + "$StepChunkAdvice");
    transformer.applyAdviceToMethod(
        named("provide")
            .and(takesArguments(1))
            .and(isDeclaredBy(ITEM + "SimpleChunkProvider"))
            .or(
                namedOneOf("readChunk", "readItem")
                    .and(takesArguments(1))
                    .and(isDeclaredBy(ITEM + "ChunkOrientedStep"))),
        advice + "$ReadAdvice");
    transformer.applyAdviceToMethod(
        named("write")
            .and(takesArguments(3))
            .or(
                named("writeChunk")
                    .and(takesArguments(2))
                    .and(isDeclaredBy(ITEM + "ChunkOrientedStep"))),
        advice + "$WriteAdvice");
  }

  private static ElementMatcher.Junction<net.bytebuddy.description.method.MethodDescription>
      isDeclaredBy(String type) {
    return net.bytebuddy.matcher.ElementMatchers.isDeclaredBy(named(type));
  }

  @SuppressWarnings("unused")
  public static class TaskletChunkAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object onEnter() {
      return SpringBatchSpans.chunkStarted();
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(
        @Advice.Enter Object chunk,
        @Advice.Argument(0) Object contribution,
        @Advice.Thrown Throwable thrown) {
      SpringBatchSpans.chunkEnded(chunk, contribution, thrown);
    }
  }

  @SuppressWarnings("unused")
  public static class StepChunkAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object onEnter() {
      return SpringBatchSpans.chunkStarted();
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(
        @Advice.Enter Object chunk,
        @Advice.Argument(1) Object contribution,
        @Advice.Thrown Throwable thrown) {
      SpringBatchSpans.chunkEnded(chunk, contribution, thrown);
    }
  }

  @SuppressWarnings("unused")
  public static class ReadAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static long onEnter() {
      return SpringBatchSpans.phaseStarted();
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(@Advice.Enter long start) {
      SpringBatchSpans.readEnded(start);
    }
  }

  @SuppressWarnings("unused")
  public static class WriteAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static long onEnter() {
      return SpringBatchSpans.phaseStarted();
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(@Advice.Enter long start) {
      SpringBatchSpans.writeEnded(start);
    }
  }
}
