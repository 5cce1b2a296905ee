package dev.jobtrace.job.springbatch.v5_0;

import dev.jobtrace.FaultInjection;
import dev.jobtrace.Once;
import dev.jobtrace.contract.SpanContract;
import dev.jobtrace.job.Bookkeeping;
import dev.jobtrace.job.JobFrameworkSettings;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import java.lang.reflect.Method;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Spring Batch runs as job traces: a job span per job execution, a span per step execution under
 * it, and chunks (a step may run thousands) kept as spans of their own only when slow or failed;
 * every chunk's read, process and write time is summed on its step. Runs in the application's class
 * loader, called from advice that swallows anything thrown here; a failure here costs the telemetry
 * of that run, never the run.
 */
public final class SpringBatchSpans {

  public static final String SYSTEM = "spring-batch";

  /** The step a thread works for, carried with the context into a multi-threaded step's workers. */
  private static final ContextKey<StepRun> STEP = ContextKey.named("jobtrace-spring-batch-step");

  /** The chunk in progress on this thread. */
  private static final ThreadLocal<ChunkClock> CHUNK = new ThreadLocal<>();

  /** Failure exceptions recorded on one span at most. */
  private static final int MAX_EXCEPTIONS = 3;

  private static final Logger logger = Logger.getLogger(SpringBatchSpans.class.getName());
  private static final Once failureLogged = new Once();

  private SpringBatchSpans() {}

  private static Tracer tracer() {
    return GlobalOpenTelemetry.getTracer("dev.jobtrace.spring-batch");
  }

  // ---- jobs ----

  public static Object jobStarted(Object job, Object execution) {
    try {
      FaultInjection.at("spring-batch");
      Object instance = Reflect.call(execution, "getJobInstance");
      String name = Reflect.string(Reflect.call(instance, "getJobName"));
      if (name == null) {
        name = Reflect.string(Reflect.call(job, "getName"));
      }
      SpanBuilder builder =
          tracer()
              .spanBuilder(name)
              .setSpanKind(SpanKind.CONSUMER)
              .setParent(Context.root())
              .setAttribute(SpanContract.JOB_NAME, name)
              .setAttribute(SpanContract.JOB_SYSTEM, SYSTEM);
      String id = Reflect.string(Reflect.call(execution, "getId"));
      if (id != null) {
        builder.setAttribute(SpanContract.JOB_ID, id);
      }
      String instanceId = Reflect.string(Reflect.call(instance, "getInstanceId", "getId"));
      if (instanceId != null) {
        builder.setAttribute(SpanContract.JOB_INSTANCE_ID, instanceId);
      }
      parameters(builder, Reflect.call(execution, "getJobParameters"));
      Object created = Reflect.call(execution, "getCreateTime");
      if (created instanceof LocalDateTime) {
        builder.setAttribute(
            SpanContract.JOB_QUEUE_LATENCY_MS,
            Math.max(0, Duration.between((LocalDateTime) created, LocalDateTime.now()).toMillis()));
      }
      long attempt = attempt(job, instance);
      if (attempt > 0) {
        builder.setAttribute(SpanContract.JOB_ATTEMPT, attempt);
      }
      // Launched from a traced request or another job: a link, so the job keeps a trace of its own.
      SpanContext launcher = Span.current().getSpanContext();
      if (launcher.isValid() && launcher.isSampled()) {
        builder.addLink(launcher);
      }
      Span span = builder.startSpan();
      AtomicLong bookkeeping = new AtomicLong();
      Scope scope = Context.root().with(span).with(Bookkeeping.IN_JOB, bookkeeping).makeCurrent();
      return new JobRun(span, scope, bookkeeping);
    } catch (Throwable t) {
      logFailureOnce(t);
      return null;
    }
  }

  public static void jobEnded(Object started, Object execution, Throwable thrown) {
    if (!(started instanceof JobRun)) {
      return;
    }
    JobRun run = (JobRun) started;
    try {
      run.scope.close();
      Span span = run.span;
      String status = Reflect.string(Reflect.call(execution, "getStatus"));
      if (status != null) {
        span.setAttribute(SpanContract.JOB_STATUS, status);
      }
      String exitCode =
          Reflect.string(Reflect.call(Reflect.call(execution, "getExitStatus"), "getExitCode"));
      if (exitCode != null) {
        span.setAttribute(SpanContract.JOB_EXIT_CODE, exitCode);
      }
      span.setAttribute(SpanContract.JOB_BOOKKEEPING_CALLS, run.bookkeeping.get());
      boolean failed = thrown != null || "FAILED".equals(status) || "UNKNOWN".equals(status);
      endWithOutcome(span, failed, thrown, Reflect.call(execution, "getAllFailureExceptions"));
    } catch (Throwable t) {
      logFailureOnce(t);
    } finally {
      run.span.end();
    }
  }

  /**
   * Parameter names always; their values only when {@code
   * otel.jobtrace.spring-batch.parameter-values} asks.
   */
  private static void parameters(SpanBuilder builder, Object parameters) {
    if (parameters == null) {
      return;
    }
    List<String> names = new ArrayList<>();
    boolean values = JobFrameworkSettings.parameterValues();
    Object map = Reflect.call(parameters, "getParameters");
    if (map instanceof Map) { // 5.x: name -> JobParameter
      for (Map.Entry<?, ?> e : ((Map<?, ?>) map).entrySet()) {
        String name = String.valueOf(e.getKey());
        names.add(name);
        if (values) {
          builder.setAttribute(
              "jobtrace.job.parameter." + name,
              String.valueOf(Reflect.call(e.getValue(), "getValue", "value")));
        }
      }
    } else if (map instanceof Collection
        || parameters instanceof Iterable) { // 6.x: a set of JobParameter records
      Iterable<?> all = map instanceof Collection ? (Collection<?>) map : (Iterable<?>) parameters;
      for (Object p : all) {
        String name = Reflect.string(Reflect.call(p, "name", "getName"));
        if (name != null) {
          names.add(name);
          if (values) {
            builder.setAttribute(
                "jobtrace.job.parameter." + name,
                String.valueOf(Reflect.call(p, "value", "getValue")));
          }
        }
      }
    }
    names.sort(null);
    builder.setAttribute(SpanContract.JOB_PARAMETERS, names);
  }

  /** 1 for a job instance's first execution, 2 for its first restart, ...; 0 when unknown. */
  private static long attempt(Object job, Object instance) {
    Object repository =
        Reflect.field(job, "org.springframework.batch.core.job.AbstractJob", "jobRepository");
    if (repository == null || instance == null) {
      return 0;
    }
    for (Method m : repository.getClass().getMethods()) {
      if ((m.getName().equals("getJobExecutions") || m.getName().equals("findJobExecutions"))
          && m.getParameterCount() == 1
          && m.getParameterTypes()[0].isInstance(instance)) {
        try {
          Object executions = m.invoke(repository, instance);
          return executions instanceof Collection ? ((Collection<?>) executions).size() : 0;
        } catch (ReflectiveOperationException | RuntimeException e) {
          return 0;
        }
      }
    }
    return 0;
  }

  // ---- steps ----

  public static Object stepStarted(Object stepExecution) {
    try {
      FaultInjection.at("spring-batch");
      Context parent = Context.current();
      if (!Span.fromContext(parent).getSpanContext().isValid()) {
        return null; // a step run outside any job execution: nothing to put it under
      }
      String name = Reflect.string(Reflect.call(stepExecution, "getStepName"));
      SpanBuilder builder =
          tracer()
              .spanBuilder(name)
              .setParent(parent)
              .setSpanKind(SpanKind.INTERNAL)
              .setAttribute(SpanContract.STEP_NAME, name);
      String id = Reflect.string(Reflect.call(stepExecution, "getId"));
      if (id != null) {
        builder.setAttribute(SpanContract.STEP_EXECUTION_ID, id);
      }
      Span span = builder.startSpan();
      StepRun run = new StepRun(span);
      run.scope = parent.with(span).with(STEP, run).makeCurrent();
      return run;
    } catch (Throwable t) {
      logFailureOnce(t);
      return null;
    }
  }

  public static void stepEnded(Object started, Object stepExecution, Throwable thrown) {
    if (!(started instanceof StepRun)) {
      return;
    }
    StepRun run = (StepRun) started;
    try {
      run.scope.close();
      Span span = run.span;
      span.setAttribute(
          SpanContract.STEP_READ_COUNT, Reflect.number(stepExecution, "getReadCount"));
      span.setAttribute(
          SpanContract.STEP_WRITE_COUNT, Reflect.number(stepExecution, "getWriteCount"));
      span.setAttribute(
          SpanContract.STEP_FILTER_COUNT, Reflect.number(stepExecution, "getFilterCount"));
      span.setAttribute(
          SpanContract.STEP_SKIP_COUNT, Reflect.number(stepExecution, "getSkipCount"));
      span.setAttribute(
          SpanContract.STEP_COMMIT_COUNT, Reflect.number(stepExecution, "getCommitCount"));
      span.setAttribute(
          SpanContract.STEP_ROLLBACK_COUNT, Reflect.number(stepExecution, "getRollbackCount"));
      long chunks = run.chunks.get();
      if (chunks > 0) {
        span.setAttribute(SpanContract.STEP_CHUNKS, chunks);
        span.setAttribute(SpanContract.STEP_CHUNKS_KEPT, run.chunksKept.sum());
        span.setAttribute(
            SpanContract.STEP_SLOWEST_CHUNK_MS,
            TimeUnit.NANOSECONDS.toMillis(run.slowestChunk.get()));
        span.setAttribute(
            SpanContract.STEP_READ_MS, TimeUnit.NANOSECONDS.toMillis(run.readNanos.sum()));
        span.setAttribute(
            SpanContract.STEP_PROCESS_MS, TimeUnit.NANOSECONDS.toMillis(run.processNanos.sum()));
        span.setAttribute(
            SpanContract.STEP_WRITE_MS, TimeUnit.NANOSECONDS.toMillis(run.writeNanos.sum()));
      }
      String status = Reflect.string(Reflect.call(stepExecution, "getStatus"));
      if (status != null) {
        span.setAttribute(SpanContract.STEP_STATUS, status);
      }
      String exitCode =
          Reflect.string(Reflect.call(Reflect.call(stepExecution, "getExitStatus"), "getExitCode"));
      if (exitCode != null) {
        span.setAttribute(SpanContract.STEP_EXIT_CODE, exitCode);
      }
      boolean failed = thrown != null || "FAILED".equals(status) || "UNKNOWN".equals(status);
      if (failed) {
        recordFailures(span, thrown, Reflect.call(stepExecution, "getFailureExceptions"));
      }
    } catch (Throwable t) {
      logFailureOnce(t);
    } finally {
      run.span.end();
    }
  }

  // ---- chunks ----

  /** A chunk starts on this thread; null when one is in progress already (a nested entry). */
  public static Object chunkStarted() {
    try {
      if (CHUNK.get() != null) {
        return null;
      }
      ChunkClock clock = new ChunkClock(Context.current().get(STEP));
      CHUNK.set(clock);
      return clock;
    } catch (Throwable t) {
      logFailureOnce(t);
      return null;
    }
  }

  public static void chunkEnded(Object started, Object contribution, Throwable thrown) {
    if (!(started instanceof ChunkClock)) {
      return;
    }
    ChunkClock clock = (ChunkClock) started;
    CHUNK.remove();
    try {
      long nanos = System.nanoTime() - clock.startNanos;
      long process = Math.max(0, nanos - clock.readNanos - clock.writeNanos);
      StepRun step = clock.step;
      long number = 0;
      if (step != null) {
        number = step.chunks.incrementAndGet();
        step.readNanos.add(clock.readNanos);
        step.writeNanos.add(clock.writeNanos);
        step.processNanos.add(process);
        step.slowestChunk.accumulateAndGet(nanos, Math::max);
      }
      if (thrown == null && nanos < JobFrameworkSettings.slowChunkNanos()) {
        return;
      }
      if (step != null) {
        step.chunksKept.increment();
      }
      // Slow or failed: a span of its own beside the calls it made, over the time it ran.
      Instant now = Instant.now();
      long endEpochNanos = TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
      long startEpochNanos = endEpochNanos - nanos;
      SpanBuilder builder =
          tracer()
              .spanBuilder("chunk")
              .setParent(Context.current())
              .setSpanKind(SpanKind.INTERNAL)
              .setStartTimestamp(startEpochNanos, TimeUnit.NANOSECONDS)
              .setAttribute(
                  SpanContract.CHUNK_READ_COUNT, Reflect.number(contribution, "getReadCount"))
              .setAttribute(
                  SpanContract.CHUNK_WRITE_COUNT, Reflect.number(contribution, "getWriteCount"))
              .setAttribute(
                  SpanContract.CHUNK_READ_MS, TimeUnit.NANOSECONDS.toMillis(clock.readNanos))
              .setAttribute(SpanContract.CHUNK_PROCESS_MS, TimeUnit.NANOSECONDS.toMillis(process))
              .setAttribute(
                  SpanContract.CHUNK_WRITE_MS, TimeUnit.NANOSECONDS.toMillis(clock.writeNanos));
      if (number > 0) {
        builder.setAttribute(SpanContract.CHUNK_NUMBER, number);
      }
      Span span = builder.startSpan();
      if (thrown != null) {
        span.recordException(thrown);
        span.setStatus(StatusCode.ERROR, String.valueOf(thrown.getMessage()));
      }
      span.end(endEpochNanos, TimeUnit.NANOSECONDS);
    } catch (Throwable t) {
      logFailureOnce(t);
    }
  }

  /**
   * The chunk's read (or write) phase starts; 0 when no chunk is in progress or the phase is
   * nested.
   */
  public static long phaseStarted() {
    ChunkClock clock = CHUNK.get();
    if (clock == null || clock.phaseDepth++ > 0) {
      return 0;
    }
    return System.nanoTime();
  }

  public static void readEnded(long start) {
    ChunkClock clock = phaseEnded();
    if (clock != null && start != 0) {
      clock.readNanos += System.nanoTime() - start;
    }
  }

  public static void writeEnded(long start) {
    ChunkClock clock = phaseEnded();
    if (clock != null && start != 0) {
      clock.writeNanos += System.nanoTime() - start;
    }
  }

  private static ChunkClock phaseEnded() {
    ChunkClock clock = CHUNK.get();
    if (clock != null && clock.phaseDepth > 0) {
      clock.phaseDepth--;
    }
    return clock;
  }

  // ---- common ----

  private static void endWithOutcome(Span span, boolean failed, Throwable thrown, Object failures) {
    if (failed) {
      recordFailures(span, thrown, failures);
      span.setAttribute(SpanContract.JOB_OUTCOME, SpanContract.OUTCOME_FAILURE);
    } else {
      span.setAttribute(SpanContract.JOB_OUTCOME, SpanContract.OUTCOME_SUCCESS);
    }
  }

  /**
   * Spring Batch catches what a step throws and keeps it on the execution: the exceptions and an
   * error status.
   */
  private static void recordFailures(Span span, Throwable thrown, Object failures) {
    List<Throwable> all = new ArrayList<>();
    if (thrown != null) {
      all.add(cause(thrown));
    }
    if (failures instanceof Collection) {
      for (Object f : (Collection<?>) failures) {
        if (f instanceof Throwable && !all.contains(cause((Throwable) f))) {
          all.add(cause((Throwable) f));
        }
      }
    }
    for (int i = 0; i < all.size() && i < MAX_EXCEPTIONS; i++) {
      span.recordException(all.get(i));
    }
    span.setStatus(
        StatusCode.ERROR, all.isEmpty() ? "FAILED" : String.valueOf(all.get(0).getMessage()));
  }

  /**
   * What the job's own code threw: Spring Batch wraps it ("Unable to process chunk", a
   * FatalStepExecutionException in 6.x) before it reaches the execution.
   */
  static Throwable cause(Throwable t) {
    Throwable c = t;
    for (int depth = 0;
        depth < 10
            && c.getCause() != null
            && c.getClass().getName().startsWith("org.springframework.batch.");
        depth++) {
      c = c.getCause();
    }
    return c;
  }

  private static void logFailureOnce(Throwable t) {
    if (failureLogged.first()) {
      logger.log(
          Level.WARNING, "jobtrace: Spring Batch spans skipped after an internal error: " + t, t);
    }
  }

  static final class JobRun {
    final Span span;
    final Scope scope;
    final AtomicLong bookkeeping;

    JobRun(Span span, Scope scope, AtomicLong bookkeeping) {
      this.span = span;
      this.scope = scope;
      this.bookkeeping = bookkeeping;
    }
  }

  /** A step execution in progress; its chunks may run on several threads at once. */
  static final class StepRun {
    final Span span;
    Scope scope;

    /** Chunks ended so far; a chunk's number, also when several threads end chunks at once. */
    final AtomicLong chunks = new AtomicLong();

    final LongAdder chunksKept = new LongAdder();
    final LongAdder readNanos = new LongAdder();
    final LongAdder processNanos = new LongAdder();
    final LongAdder writeNanos = new LongAdder();
    final AtomicLong slowestChunk = new AtomicLong();

    StepRun(Span span) {
      this.span = span;
    }
  }

  /** One chunk on one thread: its start and the time its read and write phases took. */
  static final class ChunkClock {
    final StepRun step;
    final long startNanos = System.nanoTime();
    long readNanos;
    long writeNanos;
    int phaseDepth;

    ChunkClock(StepRun step) {
      this.step = step;
    }
  }
}
