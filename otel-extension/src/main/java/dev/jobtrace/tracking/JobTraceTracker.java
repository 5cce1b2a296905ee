package dev.jobtrace.tracking;

import dev.jobtrace.FaultInjection;
import dev.jobtrace.Once;
import dev.jobtrace.analysis.AnalysisAttributes;
import dev.jobtrace.analysis.AnalysisSettings;
import dev.jobtrace.analysis.CallKind;
import dev.jobtrace.analysis.CallStatement;
import dev.jobtrace.analysis.Contention;
import dev.jobtrace.analysis.Finding;
import dev.jobtrace.analysis.JobAnalysis;
import dev.jobtrace.analysis.LargePayloads;
import dev.jobtrace.analysis.QueueWaits;
import dev.jobtrace.analysis.Retries;
import dev.jobtrace.contract.SpanContract;
import dev.jobtrace.export.AnnotatedSpan;
import dev.jobtrace.export.CallCompressor;
import dev.jobtrace.export.HeldSpans;
import dev.jobtrace.export.KeepMarker;
import dev.jobtrace.profiler.CpuHotspots;
import dev.jobtrace.profiler.HotFrames;
import dev.jobtrace.profiler.LockWaits;
import dev.jobtrace.profiler.ProfileSettings;
import dev.jobtrace.profiler.ProfileSnippet;
import dev.jobtrace.profiler.Sample;
import dev.jobtrace.profiler.VirtualThreadSampling;
import dev.jobtrace.profiler.WallClockProfiler;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.EventData;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Tracks the spans of job traces from start to a little after their end. The threads they are
 * current on are sampled; a collector thread reads the samples and gives each to the span current
 * on its thread at its time (and to that span's ancestors); calls are counted into their job's
 * analysis; job spans and slow spans are handed to the exporter once their analysis and profile are
 * complete. Application threads only append to their own timeline and to queues: they never wait
 * here.
 */
public final class JobTraceTracker {

  /** Spans of job traces tracked at once; beyond this, new spans get no profile. */
  static final int MAX_TRACKED_SPANS = 200_000;

  /**
   * A thread whose current span ended this long ago has leaked its context; it is no longer
   * sampled.
   */
  static final long LEAKED_CONTEXT_NANOS = TimeUnit.SECONDS.toNanos(10);

  private static final Logger logger = Logger.getLogger(JobTraceTracker.class.getName());

  private final Map<String, SpanNode> nodes = new ConcurrentHashMap<>();
  private final ActivationTimeline timeline = new ActivationTimeline();
  private final HeldSpans held = new HeldSpans();

  private volatile ProfileSettings settings;
  private volatile AnalysisSettings analysisSettings = AnalysisSettings.defaults();

  /** Running job spans that have no keep marker yet. */
  private final Map<SpanNode, ReadableSpan> unmarkedJobs = new ConcurrentHashMap<>();

  /** Where keep markers go: every exporter. */
  private volatile SpanProcessor markers;

  /** Job runs being analysed now. */
  private final Set<JobAnalysis> activeJobs = ConcurrentHashMap.newKeySet();

  private final Once lockFindingFailureLogged = new Once();
  private final Once jobLimitLogged = new Once();

  /** Each job's recent queue latencies, for the {@code queue_wait} finding. */
  private final QueueWaits queueWaits = new QueueWaits();

  /** Where this JVM's job runs meet on the same statements. */
  private final Contention contention = new Contention();

  private final Once queueWaitFailureLogged = new Once();
  private final Once cpuHotspotFailureLogged = new Once();
  private final Once retryFailureLogged = new Once();
  private CallCompressor compressor;
  private volatile WallClockProfiler profiler;

  /** Why there is no profiler, when there is none. */
  private volatile String unavailable = "profiler not started";

  /** Why samples cannot be put on spans even with a profiler, when they cannot. */
  private volatile String activationUnavailable;

  /** Samples up to this monotonic time have been read and attributed. */
  private volatile long readUpTo = Long.MIN_VALUE;

  private final Once stackCapLogged = new Once();

  /** Set by the first internal error; application threads may hit one at the same moment. */
  private final Once errorLogged = new Once();

  /** Set when a thread starts job work; lets an idle collector skip reading the recording. */
  private volatile boolean workSinceFlush;

  private Thread collector;
  private VirtualThreadSampling virtualThreads;

  /** Why work on virtual threads cannot be sampled, when it cannot. */
  private volatile String virtualUnavailable;

  /** Starts profiling with these settings; without a loadable profiler, traces go on unprofiled. */
  public synchronized void start(ProfileSettings settings, AnalysisSettings analysis) {
    if (this.settings != null) {
      return;
    }
    this.analysisSettings = analysis;
    this.compressor = analysis.compressionEnabled() ? new CallCompressor(analysis) : null;
    this.settings = settings;
    if (!settings.profilerEnabled()) {
      unavailable = "profiler disabled (otel.jobtrace.profiler.enabled=false)";
    } else {
      try {
        profiler =
            WallClockProfiler.start(
                settings.interval().toNanos(), settings.recordingDir(), settings.lockWaits());
        unavailable = null;
        if (profiler.locksUnavailable() != null) {
          logger.log(
              Level.WARNING,
              "jobtrace: "
                  + profiler.locksUnavailable()
                  + "; jobs' waits for Java locks go unnamed");
        }
        virtualThreads = new VirtualThreadSampling(timeline, settings.interval().toNanos());
        virtualUnavailable = virtualThreads.start(profiler);
        if (virtualUnavailable != null) {
          logger.log(
              Level.WARNING,
              "jobtrace: " + virtualUnavailable + "; work on virtual threads gets no profile");
        }
      } catch (Throwable t) {
        unavailable = "profiler unavailable: " + WallClockProfiler.describe(t);
        logger.log(
            Level.WARNING, "jobtrace: " + unavailable + "; traces continue without profiles");
      }
    }
    collector = new Thread(this::collect, "jobtrace-profile-collector");
    collector.setDaemon(true);
    collector.start();
  }

  /** Where the spans jobtrace makes itself (keep markers) are handed for export. */
  public void exportMarkersTo(SpanProcessor exporters) {
    this.markers = exporters;
  }

  /** The context-storage wrapper could not be installed: samples cannot be put on spans. */
  public void activationUnavailable(String why) {
    activationUnavailable = why;
  }

  // ---- application threads ----

  /** A span started: track it if it belongs to a job trace. */
  public void onStart(ReadableSpan span, boolean jobSpan) {
    ProfileSettings s = settings;
    if (s == null) {
      return;
    }
    SpanContext parentContext = span.getParentSpanContext();
    SpanNode parent = parentContext.isValid() ? nodes.get(parentContext.getSpanId()) : null;
    if (parent == null && !jobSpan) {
      return;
    }
    if (nodes.size() >= MAX_TRACKED_SPANS) {
      return;
    }
    String id = span.getSpanContext().getSpanId();
    long now = System.nanoTime();
    JobAnalysis analysis = jobSpan ? newAnalysis(span.getName()) : parent.analysis;
    CallKind kind = jobSpan ? null : CallKind.of(span);
    SpanNode node = new SpanNode(id, parent, now, jobSpan, analysis, kind);
    nodes.put(id, node);
    if (jobSpan && !s.keepMarkAfter().isZero()) {
      unmarkedJobs.put(node, span);
    }
    if (kind != null && analysis != null) {
      analysis.callStarted(id, now);
    }
  }

  private JobAnalysis newAnalysis(String jobName) {
    if (activeJobs.size() >= analysisSettings.maxJobs()) {
      if (jobLimitLogged.first()) {
        logger.log(
            Level.WARNING,
            "jobtrace: more than "
                + analysisSettings.maxJobs()
                + " job runs in flight (otel.jobtrace.analysis.max-jobs); further ones get no breakdown");
      }
      return null;
    }
    JobAnalysis analysis = new JobAnalysis(analysisSettings, contention, jobName);
    activeJobs.add(analysis);
    return analysis;
  }

  public void onEnd(ReadableSpan span) {
    SpanNode node = nodes.get(span.getSpanContext().getSpanId());
    if (node == null || node.endNanos != 0) {
      return;
    }
    node.endNanos = System.nanoTime();
    if (node.job) {
      unmarkedJobs.remove(node);
      if (node.analysis != null) {
        node.analysis.runEnded();
      }
    }
    if (node.callKind != null) {
      node.statement = CallStatement.of(span, node.callKind, analysisSettings.keyPatterns());
      if (node.analysis != null) {
        node.analysis.callEnded(
            node.spanId,
            node.callKind,
            node.statement,
            node.startNanos,
            node.endNanos,
            span.getAttribute(SpanContract.CALL_TIMEOUT_MS),
            span.getAttribute(SpanContract.CALL_CONNECT_TIMEOUT_MS));
      }
    }
  }

  /** The context current on this thread changed (attach or scope close). */
  void onCurrentChanged(Context context) {
    if (nodes.isEmpty() && timeline.currentIfAny() == null) {
      return;
    }
    SpanNode node = null;
    if (context != null) {
      Span span = Span.fromContextOrNull(context);
      if (span != null) {
        node = nodes.get(span.getSpanContext().getSpanId());
      }
    }
    ActivationTimeline.ThreadLog log = node != null ? timeline.current() : timeline.currentIfAny();
    if (log == null || log.carrier || log.active() == node) {
      // On a carrier, a context is the scheduler's: what runs there is the mounted virtual
      // thread's.
      return;
    }
    long now = System.nanoTime();
    log.switchTo(node, now);
    if (log.virtual) {
      if (node != null) {
        node.onVirtualThread = true;
        workSinceFlush = true;
      }
      VirtualThreadSampling v = virtualThreads;
      if (v != null) {
        v.switched(log, node, now);
      }
      return;
    }
    WallClockProfiler p = profiler;
    if (p != null) {
      if (node != null && !log.sampled) {
        workSinceFlush = true;
        log.sampled = true;
        p.addCurrentThread();
      } else if (node == null && log.sampled) {
        log.sampled = false;
        p.removeCurrentThread();
      }
    }
  }

  /**
   * Called where a span would be handed to the exporter. Returns true when the tracker takes over
   * and hands it on later, with its profile.
   */
  public boolean hold(ReadableSpan span, SpanProcessor exporter) {
    ProfileSettings s = settings;
    if (s == null) {
      return false;
    }
    SpanNode node = nodes.get(span.getSpanContext().getSpanId());
    if (node == null) {
      return false;
    }
    try {
      onEnd(span);
      // Deciding a span's way out reads it (latency, statement, status) and may start its
      // composite.
      FaultInjection.at("export-gate");
      boolean slow = span.getLatencyNanos() >= s.threshold().toNanos();
      boolean analysed = node.job && node.analysis != null;
      if (compressor != null) {
        compressor.parentEnded(node.spanId);
        if (!slow && !analysed && compressor.offer(span, node, exporter)) {
          return true;
        }
      }
      if (!slow && !analysed) {
        return false;
      }
      if (!analysed && unavailable != null) {
        exporter.onEnd(AnnotatedSpan.withError(span, unavailable));
        return true;
      }
      HeldSpans.Held waiting =
          new HeldSpans.Held(span, node, exporter, System.nanoTime() + s.maxWait().toNanos());
      if (!held.hold(waiting)) {
        release(waiting, null, "too many slow spans waiting for their profiles");
      }
      return true;
    } catch (RuntimeException | Error e) {
      // Not held, so never released: its job run is over all the same.
      if (node.job && node.analysis != null) {
        activeJobs.remove(node.analysis);
        node.analysis.runEnded();
      }
      throw e;
    }
  }

  // ---- collector thread ----

  private void collect() {
    long flushNanos = settings.flushInterval().toNanos();
    while (!Thread.currentThread().isInterrupted()) {
      try {
        TimeUnit.NANOSECONDS.sleep(flushNanos);
        collectOnce(false);
      } catch (InterruptedException e) {
        return;
      } catch (Throwable t) {
        logErrorOnce(t);
      }
    }
  }

  /**
   * One round: read samples, attribute them, release the slow spans whose samples are all in. With
   * {@code releaseAll} (a forced flush, shutdown) every held span leaves, even when the recording
   * could not be read; such a span says its profile is incomplete.
   */
  synchronized void collectOnce(boolean releaseAll) throws Exception {
    try {
      readSamples();
    } catch (Exception e) {
      if (!releaseAll) {
        throw e;
      }
      logErrorOnce(e);
    } finally {
      releaseCompleted(releaseAll);
      markRunningSlowJobs();
    }
  }

  /**
   * Sends the keep marker of each job that has run past the marking time and is running still: a
   * tail sampler that decides before the job span arrives then finds the mark in time.
   */
  private void markRunningSlowJobs() {
    if (unmarkedJobs.isEmpty()) {
      return;
    }
    ProfileSettings s = settings;
    long after = Math.max(s.keepMarkAfter().toNanos(), s.threshold().toNanos());
    SpanProcessor out = markers;
    try {
      for (Iterator<Map.Entry<SpanNode, ReadableSpan>> it = unmarkedJobs.entrySet().iterator();
          it.hasNext(); ) {
        Map.Entry<SpanNode, ReadableSpan> job = it.next();
        if (job.getKey().endNanos != 0) {
          it.remove();
          continue;
        }
        long running = job.getValue().getLatencyNanos();
        if (running >= after) {
          it.remove();
          if (out != null) {
            out.onEnd(KeepMarker.of(job.getValue(), running));
          }
        }
      }
    } catch (Throwable t) {
      logErrorOnce(t);
    }
  }

  private void readSamples() throws Exception {
    long watermark = System.nanoTime();
    WallClockProfiler p = profiler;
    if (p == null) {
      readUpTo = watermark;
      return;
    }
    if (workSinceFlush || anyThreadWorking() || !held.isEmpty()) {
      workSinceFlush = false;
      FaultInjection.at("recording");
      List<Sample> samples = p.flush();
      boolean rotated = p.takeRotated();
      for (ActivationTimeline.ThreadLog log : timeline.logs()) {
        SpanNode active = log.active();
        if (active != null
            && active.endNanos != 0
            && watermark - active.endNanos > LEAKED_CONTEXT_NANOS) {
          // A span that ended long ago is still current there: a context leak. Stop sampling it.
          if (log.virtual && virtualThreads != null) {
            virtualThreads.forget(log);
          } else if (log.sampled) {
            log.sampled = false;
            p.removeThread(log.thread);
          }
        } else if (rotated && log.sampled && !log.virtual) {
          p.addThread(log.thread);
        }
      }
      if (virtualThreads != null) {
        if (rotated) {
          virtualThreads.recordingRotated(p);
        }
        samples.addAll(virtualThreads.drainParked());
      }
      ProfileSettings s = settings;
      int maxStacks = s.maxStacksPerSpan();
      int maxRuns = s.timelineMaxRuns();
      long interval = s.interval().toNanos();
      // In time order, for the spans' timelines: a recording's chunks and the parked virtual
      // threads' stacks come per thread.
      samples.sort(Comparator.comparingLong(Sample::nanoTime));
      for (Sample sample : samples) {
        ActivationTimeline.ThreadLog ran = timeline.ranAt(sample.threadId(), sample.nanoTime());
        SpanNode at = ran == null ? null : ran.spanAt(sample.nanoTime());
        if (sample.lockWait()) {
          // A wait belongs to the job whose span was current when it began.
          SpanNode job = at;
          while (job != null && !job.job) {
            job = job.parent;
          }
          if (job != null) {
            if (job.lockWaits == null) {
              job.lockWaits = new LockWaits(WallClockProfiler.LOCK_INTERVAL_NANOS);
            }
            job.lockWaits.add(sample);
          }
          continue;
        }
        for (SpanNode n = at; n != null; n = n.parent) {
          if (!n.add(sample.stack(), ran, sample.nanoTime(), maxStacks, interval, maxRuns)
              && stackCapLogged.first()) {
            logger.log(
                Level.INFO,
                "jobtrace: a span's profile reached "
                    + maxStacks
                    + " distinct stacks (otel.jobtrace.profile.max-stacks); further new stacks count as \"other\"");
          }
        }
      }
    }
    readUpTo = watermark;
  }

  private void releaseCompleted(boolean releaseAll) {
    long watermark = readUpTo;
    for (JobAnalysis job : activeJobs) {
      job.compact(watermark);
    }
    long now = System.nanoTime();
    Set<SpanNode> stillHeld =
        held.releaseCompleted(
            watermark, releaseAll, now, (h, incomplete) -> release(h, incomplete, null));
    timeline.prune(watermark);
    nodes
        .values()
        .removeIf(n -> n.endNanos != 0 && n.endNanos <= watermark && !stillHeld.contains(n));
  }

  private boolean anyThreadWorking() {
    for (ActivationTimeline.ThreadLog log : timeline.logs()) {
      if (log.sampled) {
        return true;
      }
    }
    return false;
  }

  /**
   * Why a job span's trace is worth keeping under sampling ({@link SpanContract#KEEP}), or null.
   */
  private static String keepReasons(HeldSpans.Held p, ProfileSettings s, boolean findings) {
    List<String> reasons = new ArrayList<>(3);
    if (p.span().getLatencyNanos() >= s.threshold().toNanos()) {
      reasons.add(SpanContract.KEEP_SLOW);
    }
    if (p.span().toSpanData().getStatus().getStatusCode() == StatusCode.ERROR
        || SpanContract.OUTCOME_FAILURE.equals(p.span().getAttribute(SpanContract.JOB_OUTCOME))) {
      reasons.add(SpanContract.KEEP_FAILED);
    }
    if (findings) {
      reasons.add(SpanContract.KEEP_FINDING);
    }
    return reasons.isEmpty() ? null : String.join(",", reasons);
  }

  private void release(HeldSpans.Held p, String incomplete, String profileError) {
    try {
      AttributesBuilder attributes = Attributes.builder();
      List<EventData> events = new ArrayList<>();
      if (p.node().job && p.node().analysis != null) {
        activeJobs.remove(p.node().analysis);
        JobAnalysis.Result result =
            p.node().analysis.result(p.node().startNanos, p.node().endNanos, ofTheRun(p));
        AnalysisAttributes.add(
            result,
            p.span().getLatencyNanos(),
            AnnotatedSpan.eventNanos(p.span()),
            attributes,
            events);
      }
      ProfileSettings s = settings;
      if (p.node().job) {
        String keep = keepReasons(p, s, !events.isEmpty());
        if (keep != null) {
          attributes.put(SpanContract.KEEP, keep);
        }
      }
      if (p.span().getLatencyNanos() >= s.threshold().toNanos()) {
        if (profileError == null && unavailable != null) {
          profileError = unavailable;
        }
        if (profileError == null && activationUnavailable != null) {
          profileError = activationUnavailable;
        }
        if (profileError == null && p.node().samples < s.minSamples() && p.node().onVirtualThread) {
          profileError = virtualUnavailable;
        }
        if (profileError == null && p.node().samples < s.minSamples()) {
          profileError =
              "too few samples: "
                  + p.node().samples
                  + " (at least "
                  + s.minSamples()
                  + " needed; sampling every "
                  + s.interval().toMillis()
                  + " ms on threads where this span was current)";
        }
        if (incomplete != null && unavailable == null) {
          attributes.put(SpanContract.PROFILE_INCOMPLETE, incomplete);
        }
        if (profileError != null) {
          attributes.put(SpanContract.PROFILE_ERROR, profileError);
        } else {
          AnnotatedSpan.addProfile(
              p.span(),
              ProfileSnippet.build(
                  p.node().stacks,
                  s.maxSnippetBytes(),
                  new HotFrames(s.appPackages()),
                  p.node().runs,
                  p.node().startNanos,
                  s.maxSnippetBytes()),
              attributes,
              events);
        }
      }
      FaultInjection.at("collector-release");
      p.exporter().onEnd(new AnnotatedSpan(p.span(), attributes.build(), events));
    } catch (Throwable t) {
      logErrorOnce(t);
      p.exporter().onEnd(p.span());
    }
  }

  /**
   * The findings about the run that its calls do not tell: its queue wait, and where its profile
   * spent its computing time.
   */
  private List<Finding> ofTheRun(HeldSpans.Held p) {
    List<Finding> out = new ArrayList<>(4);
    Finding wait = queueWait(p.span());
    if (wait != null) {
      out.add(wait);
    }
    Finding retry = retry(p.span());
    if (retry != null) {
      out.add(retry);
    }
    Long payload = p.span().getAttribute(SpanContract.JOB_PAYLOAD_BYTES);
    if (payload != null) {
      String job = p.span().getAttribute(SpanContract.JOB_NAME);
      Finding large =
          LargePayloads.finding(
              job == null ? p.span().getName() : job,
              payload,
              p.span().getAttribute(SpanContract.JOB_PAYLOAD_READ_MS),
              analysisSettings.payloadMinBytes());
      if (large != null) {
        out.add(large);
      }
    }
    HotFrames frames = new HotFrames(settings.appPackages());
    LockWaits locks = p.node().lockWaits;
    if (locks != null) {
      try {
        out.addAll(
            locks.findings(
                p.span().getLatencyNanos(), frames, analysisSettings.contentionMin().toNanos()));
      } catch (RuntimeException e) {
        if (lockFindingFailureLogged.first()) {
          logger.log(
              Level.WARNING,
              "jobtrace: the lock-wait finding failed; job spans go on without it",
              e);
        }
      }
    }
    if (profiler != null) {
      try {
        FaultInjection.at("cpu-hotspots");
        out.addAll(
            CpuHotspots.find(
                p.node().stacks,
                locks == null ? Set.of() : locks.blockedStacks(),
                settings.interval().toNanos(),
                frames,
                analysisSettings));
      } catch (RuntimeException e) {
        if (cpuHotspotFailureLogged.first()) {
          logger.log(
              Level.WARNING,
              "jobtrace: the CPU hot-spot finding failed; job spans go on without it",
              e);
        }
      }
    }
    return out;
  }

  /** The run's {@code retry} finding, or null; a failure here costs this finding only. */
  private Finding retry(ReadableSpan span) {
    try {
      Long attempt = span.getAttribute(SpanContract.JOB_ATTEMPT);
      return attempt == null
          ? null
          : Retries.finding(
              attempt,
              span.getAttribute(SpanContract.JOB_PREVIOUS_FAILURES),
              span.getAttribute(SpanContract.JOB_PREVIOUS_ATTEMPTS_MS),
              span.getAttribute(SpanContract.JOB_RETRYING_FOR_MS));
    } catch (RuntimeException e) {
      if (retryFailureLogged.first()) {
        logger.log(
            Level.WARNING, "jobtrace: the retry finding failed; job spans go on without it", e);
      }
      return null;
    }
  }

  /**
   * The job run's {@code queue_wait} finding, or null; a failure here costs this finding only, not
   * the span's breakdown.
   */
  private Finding queueWait(ReadableSpan span) {
    try {
      FaultInjection.at("queue-wait");
      Long waitMillis = span.getAttribute(SpanContract.JOB_QUEUE_LATENCY_MS);
      if (waitMillis == null) {
        return null;
      }
      String job = span.getAttribute(SpanContract.JOB_NAME);
      return queueWaits.finding(
          job == null ? span.getName() : job, waitMillis, span.getLatencyNanos(), analysisSettings);
    } catch (RuntimeException e) {
      if (queueWaitFailureLogged.first()) {
        logger.log(
            Level.WARNING,
            "jobtrace: queue-wait findings skipped after an internal error: " + e,
            e);
      }
      return null;
    }
  }

  /** Before shutdown: hand over every held span with what has been sampled so far. */
  public void drain() {
    try {
      if (compressor != null) {
        compressor.flushAll();
      }
      collectOnce(true);
    } catch (Throwable t) {
      logErrorOnce(t);
    }
  }

  public synchronized void stop() {
    drain();
    if (collector != null) {
      collector.interrupt();
    }
    WallClockProfiler p = profiler;
    profiler = null;
    if (virtualThreads != null) {
      virtualThreads.stop();
    }
    if (p != null) {
      p.stop();
    }
  }

  public void logErrorOnce(Throwable t) {
    if (errorLogged.first()) {
      logger.log(Level.WARNING, "jobtrace: profiling degraded after an internal error: " + t, t);
    }
  }
}
