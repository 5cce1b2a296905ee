package dev.jobtrace.linker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jobtrace.linker.LinkerServer;
import dev.jobtrace.linker.TestOptions;
import dev.jobtrace.testing.LocalJaeger;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A job alternating two stages 60 times, run under the built agent and stored in a real Jaeger: the
 * linker's time-ordered exports (speedscope, Firefox Profiler) show the 60 alternations in order,
 * on the thread that ran each stage.
 */
class TimeOrderIT {

  static final String SERVICE = "time-order-worker";
  static LocalJaeger jaeger;
  static LinkerServer linker;
  static String profileId;
  static final ObjectMapper JSON = new ObjectMapper();

  /** Where the exported files are kept, to open them in the viewers. */
  static final Path OUT = Path.of("target", "time-order");

  @BeforeAll
  static void start() throws Exception {
    jaeger = LocalJaeger.start(Path.of(System.getProperty("jobtrace.repo.dir", "..")));
    LinkerIT.worker(
            jaeger,
            SERVICE,
            AlternatingWorker.class,
            "dev.jobtrace.linker.it.AlternatingWorker$Pipeline[run]")
        // A worker that stays up after its job, as workers do: a JVM that exits right after a
        // job loses the samples of its last moments on the job's own thread.
        .set("linger.ms", "2000")
        .run(120);
    JsonNode job = LinkerIT.awaitJobSpan(jaeger, SERVICE);
    profileId = LinkerIT.attr(job, "jobtrace.profile.id");
    assertThat(profileId).as("the job span's profile id").isNotNull();
    assertThat(LinkerIT.attr(job, "jobtrace.profile.incomplete"))
        .as("the job span's profile is complete")
        .isNull();
    linker = new LinkerServer(TestOptions.of(jaeger.queryUrl(), Duration.ofSeconds(5)));
  }

  @AfterAll
  static void stop() throws Exception {
    if (linker != null) {
      linker.close();
    }
    if (jaeger != null) {
      jaeger.close();
    }
  }

  @Test
  void speedscopeShowsTheSixtyAlternationsInOrderThreadByThread() throws Exception {
    HttpResponse<String> r = page("/profiles/" + profileId + "/speedscope.json");
    assertThat(r.statusCode()).isEqualTo(200);
    Files.createDirectories(OUT);
    Files.writeString(OUT.resolve("speedscope.json"), r.body());
    JsonNode file = JSON.readTree(r.body());
    List<String> frames = new ArrayList<>();
    file.path("shared").path("frames").forEach(f -> frames.add(f.path("name").asText()));

    JsonNode main = profileNamed(file, "main");
    assertThat(main.path("type").asText()).isEqualTo("evented");
    assertThat(main.path("unit").asText()).isEqualTo("microseconds");
    // The job's thread: parse, then wait for the store, sixty times, in that order.
    List<String> stages = new ArrayList<>();
    long at = -1;
    for (JsonNode e : main.path("events")) {
      assertThat(e.path("at").asLong()).as("events in time order").isGreaterThanOrEqualTo(at);
      at = e.path("at").asLong();
      if (e.path("type").asText().equals("O")) {
        enter(stages, stageOf(frames.get(e.path("frame").asInt())));
      }
    }
    System.out.println(
        "time order, job thread: startValue="
            + main.path("startValue").asLong()
            + "µs endValue="
            + main.path("endValue").asLong()
            + "µs events="
            + main.path("events").size()
            + " stages="
            + stages.size()
            + " threads="
            + file.path("profiles").size());
    assertThat(stages).containsExactlyElementsOf(ALTERNATIONS);

    // The pool thread stored each batch: sixty separate stretches, one per hand-off.
    JsonNode pool = profileNamed(file, "pool-");
    // Hand-offs are a parse (about 60 ms) apart; a gap of a sample or two inside one store is a
    // sample the profiler did not take on a loaded machine, not a hand-off.
    long stores = 0;
    long storeClosedAt = Long.MIN_VALUE / 2;
    for (JsonNode e : pool.path("events")) {
      if (!frames.get(e.path("frame").asInt()).endsWith("Pipeline.store")) {
        continue;
      }
      if (e.path("type").asText().equals("O")
          && e.path("at").asLong() - storeClosedAt > LOST_SAMPLES_MICROS) {
        stores++;
      } else if (e.path("type").asText().equals("C")) {
        storeClosedAt = e.path("at").asLong();
      }
    }
    assertThat(stores).isEqualTo(AlternatingWorker.ROUNDS);
  }

  @Test
  void theFirefoxProfilerFileHoldsTheSameSixtyAlternationsAsSamplesInTime() throws Exception {
    HttpResponse<String> r = page("/profiles/" + profileId + "/firefox.json");
    assertThat(r.statusCode()).isEqualTo(200);
    Files.createDirectories(OUT);
    Files.writeString(OUT.resolve("firefox.json"), r.body());
    JsonNode file = JSON.readTree(r.body());
    JsonNode main = null;
    List<String> names = new ArrayList<>();
    for (JsonNode t : file.path("threads")) {
      names.add(t.path("name").asText());
      if (t.path("name").asText().equals("main")) {
        main = t;
      }
    }
    assertThat(main).as("a track for the job's thread among " + names).isNotNull();
    int stackAt = main.path("samples").path("schema").path("stack").asInt();
    int timeAt = main.path("samples").path("schema").path("time").asInt();
    List<String> stages = new ArrayList<>();
    double time = -1;
    for (JsonNode sample : main.path("samples").path("data")) {
      assertThat(sample.get(timeAt).asDouble())
          .as("samples in time order")
          .isGreaterThanOrEqualTo(time);
      time = sample.get(timeAt).asDouble();
      String stage = null;
      for (String frame : stack(main, sample.get(stackAt).asInt())) {
        stage = stageOf(frame) != null ? stageOf(frame) : stage;
      }
      enter(stages, stage);
    }
    assertThat(stages).containsExactlyElementsOf(ALTERNATIONS);
  }

  @Test
  void theFirefoxProfilersOwnLoaderOpensItWithTheJobsThreadAndEachStageAtItsTime()
      throws Exception {
    HttpResponse<String> r = page("/profiles/" + profileId + "/firefox.json");
    assertThat(r.statusCode()).isEqualTo(200);
    Files.createDirectories(OUT);
    Path file = OUT.resolve("firefox-loaded.json");
    Files.writeString(file, r.body());
    JsonNode gecko = JSON.readTree(r.body());
    JsonNode main = thread(gecko, "main");
    double interval = gecko.path("meta").path("interval").asDouble();
    List<double[]> times = new ArrayList<>(); // per sample of the job's thread: time, stage
    List<double[]> runs = new ArrayList<>(); // per stage run: first and last sample time
    int stackAt = main.path("samples").path("schema").path("stack").asInt();
    int timeAt = main.path("samples").path("schema").path("time").asInt();
    String current = null;
    for (JsonNode sample : main.path("samples").path("data")) {
      String stage = null;
      for (String frame : stack(main, sample.get(stackAt).asInt())) {
        stage = stageOf(frame) != null ? stageOf(frame) : stage;
      }
      double time = sample.get(timeAt).asDouble();
      times.add(new double[] {time, stage == null ? 0 : stage.equals("parse") ? 1 : 2});
      if (stage != null && !stage.equals(current)) {
        runs.add(new double[] {time, time});
        current = stage;
      } else if (stage != null) {
        runs.get(runs.size() - 1)[1] = time;
      }
    }
    assertThat(runs).hasSize(2 * AlternatingWorker.ROUNDS);

    try (FirefoxProfilerLoader loader = FirefoxProfilerLoader.open(file)) {
      String handle = null;
      List<String> names = new ArrayList<>();
      for (JsonNode process : loader.json("profile", "info").path("processes")) {
        for (JsonNode t : process.path("threads")) {
          names.add(t.path("name").asText());
          handle =
              t.path("name").asText().equals("main") ? t.path("threadHandle").asText() : handle;
        }
      }
      assertThat(handle).as("the job's thread among the loaded threads " + names).isNotNull();
      assertThat(names).hasSize(gecko.path("threads").size());
      loader.run("thread", "select", handle);
      JsonNode whole = loader.json("thread", "samples", "--include-idle");
      assertThat(whole.path("categoryBreakdown").path("totalSamples").asInt())
          .as("every sample of the job's thread")
          .isEqualTo(times.size());
      double root = whole.path("context").path("rootRange").path("start").asDouble();
      // Its time axis puts each stage where the samples put it: the first ten runs and the last.
      List<Integer> checked = new ArrayList<>(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
      checked.add(runs.size() - 1);
      for (int i : checked) {
        double from = runs.get(i)[0] - interval / 4;
        double to = runs.get(i)[1] + interval / 4;
        long parse = times.stream().filter(t -> t[0] >= from && t[0] <= to && t[1] == 1).count();
        long store = times.stream().filter(t -> t[0] >= from && t[0] <= to && t[1] == 2).count();
        loader.run(
            "zoom",
            "push",
            String.format(
                java.util.Locale.ROOT, "%.4f,%.4f", (from - root) / 1000, (to - root) / 1000));
        JsonNode window = loader.json("thread", "samples", "--include-idle");
        loader.run("zoom", "pop");
        assertThat(total(window, "Pipeline.parse"))
            .as("parse samples of run " + i + " (" + from + "–" + to + " ms)")
            .isEqualTo(parse);
        assertThat(total(window, "Pipeline.awaitStore"))
            .as("store-wait samples of run " + i + " (" + from + "–" + to + " ms)")
            .isEqualTo(store);
        assertThat(parse + store)
            .as("run " + i + " has samples of one stage")
            .isEqualTo(Math.max(parse, store));
      }
    }
  }

  /** Samples in the loader's answer whose stack passes through the function ending so. */
  private static long total(JsonNode samples, String function) {
    for (JsonNode f : samples.path("topFunctionsByTotal")) {
      if (f.path("name").asText().endsWith(function)) {
        return f.path("totalSamples").asLong();
      }
    }
    return 0;
  }

  private static JsonNode thread(JsonNode file, String name) {
    List<String> names = new ArrayList<>();
    for (JsonNode t : file.path("threads")) {
      names.add(t.path("name").asText());
      if (t.path("name").asText().equals(name)) {
        return t;
      }
    }
    throw new AssertionError("no track of a thread named " + name + " among " + names);
  }

  /** Two samples at the agent's 10 ms interval, in speedscope's microseconds. */
  static final long LOST_SAMPLES_MICROS = 20_000;

  /** Parse, then wait for the store, sixty times, in that order. */
  static final List<String> ALTERNATIONS = alternations();

  private static List<String> alternations() {
    List<String> stages = new ArrayList<>();
    for (int i = 0; i < AlternatingWorker.ROUNDS; i++) {
      stages.add("parse");
      stages.add("awaitStore");
    }
    return stages;
  }

  /** The job thread's stage a frame is, or null. */
  private static String stageOf(String frame) {
    return frame.endsWith("Pipeline.parse") || frame.endsWith("Pipeline.awaitStore")
        ? frame.substring(frame.lastIndexOf('.') + 1)
        : null;
  }

  /** Adds {@code stage} when the job's thread moved to it from another one. */
  private static void enter(List<String> stages, String stage) {
    if (stage != null && (stages.isEmpty() || !stages.get(stages.size() - 1).equals(stage))) {
      stages.add(stage);
    }
  }

  /** A Gecko thread's stack, leaf first: stackTable prefixes, frameTable, stringTable. */
  private static List<String> stack(JsonNode thread, int index) {
    JsonNode stacks = thread.path("stackTable");
    int prefixAt = stacks.path("schema").path("prefix").asInt();
    int frameAt = stacks.path("schema").path("frame").asInt();
    int locationAt = thread.path("frameTable").path("schema").path("location").asInt();
    List<String> frames = new ArrayList<>();
    for (JsonNode row = stacks.path("data").get(index);
        row != null;
        row =
            row.get(prefixAt).isNull()
                ? null
                : stacks.path("data").get(row.get(prefixAt).asInt())) {
      JsonNode frame = thread.path("frameTable").path("data").get(row.get(frameAt).asInt());
      frames.add(thread.path("stringTable").get(frame.get(locationAt).asInt()).asText());
    }
    return frames;
  }

  @Test
  void theProfilePageOffersBothTimeOrderedFiles() throws Exception {
    HttpResponse<String> r = page("/profiles/" + profileId);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body())
        .contains("id='speedscope' href='/profiles/" + profileId + "/speedscope.json'")
        .contains("id='firefox-profiler' href='/profiles/" + profileId + "/firefox.json'")
        .contains("Time Order view");
  }

  private static JsonNode profileNamed(JsonNode file, String prefix) {
    List<String> names = new ArrayList<>();
    for (JsonNode p : file.path("profiles")) {
      names.add(p.path("name").asText());
      if (p.path("name").asText().startsWith(prefix)) {
        return p;
      }
    }
    throw new AssertionError("no profile of a thread named " + prefix + "…; threads: " + names);
  }

  private static HttpResponse<String> page(String path) throws Exception {
    return LinkerIT.get("http://127.0.0.1:" + linker.port() + path);
  }
}
