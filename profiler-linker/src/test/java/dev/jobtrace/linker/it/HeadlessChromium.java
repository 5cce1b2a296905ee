package dev.jobtrace.linker.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's Chromium, headless, driven over the DevTools protocol: open, evaluate, wait for, click
 * and type as a user would (real mouse events, typed text), screenshot.
 */
final class HeadlessChromium implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");

  private final Process process;
  private final Path profileDir;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final ConcurrentHashMap<Integer, CompletableFuture<JsonNode>> pending =
      new ConcurrentHashMap<>();

  HeadlessChromium() throws Exception {
    profileDir = Files.createTempDirectory("chromium-profile");
    ProcessBuilder browser =
        new ProcessBuilder(
                "chromium",
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-quic",
                "--window-size=1400,1000",
                "--remote-debugging-port=0",
                "--user-data-dir=" + profileDir,
                "about:blank")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    try {
      process = browser.start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "Chromium is needed for the browser tests and `chromium` is not on the PATH:"
              + " install Debian's chromium package, or run scripts/test.sh, which does",
          e);
    }
    String browserWs = null;
    BufferedReader err =
        new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
    Instant deadline = Instant.now().plusSeconds(60);
    for (String line;
        browserWs == null
            && Instant.now().isBefore(deadline)
            && (line = err.readLine()) != null; ) {
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        browserWs = m.group(1);
      }
    }
    if (browserWs == null) {
      throw new IllegalStateException("chromium did not start its DevTools endpoint");
    }
    Thread drain = new Thread(() -> err.lines().forEach(l -> {}), "chromium-stderr");
    drain.setDaemon(true);
    drain.start();
    URI http = URI.create(browserWs.replace("ws://", "http://"));
    HttpResponse<String> list =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://" + http.getAuthority() + "/json/list"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    String pageWs = null;
    for (JsonNode target : JSON.readTree(list.body())) {
      if (target.path("type").asText().equals("page")) {
        pageWs = target.path("webSocketDebuggerUrl").asText();
      }
    }
    socket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .buildAsync(URI.create(pageWs), new Listener())
            .get(30, TimeUnit.SECONDS);
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder buffer = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      buffer.append(data);
      if (last) {
        try {
          JsonNode message = JSON.readTree(buffer.toString());
          CompletableFuture<JsonNode> f = pending.remove(message.path("id").asInt(-1));
          if (f != null) {
            f.complete(message);
          }
        } catch (Exception e) {
          // events we do not wait for
        }
        buffer.setLength(0);
      }
      ws.request(1);
      return null;
    }
  }

  JsonNode call(String method, ObjectNode params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> result = new CompletableFuture<>();
    pending.put(id, result);
    ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
    message.set("params", params == null ? JSON.createObjectNode() : params);
    socket.sendText(JSON.writeValueAsString(message), true).get(30, TimeUnit.SECONDS);
    JsonNode response = result.get(60, TimeUnit.SECONDS);
    if (response.has("error")) {
      throw new IllegalStateException(method + ": " + response.get("error"));
    }
    return response.path("result");
  }

  /** Navigates and waits until the page and its frames have loaded. */
  void open(String url) throws Exception {
    call("Page.navigate", JSON.createObjectNode().put("url", url));
    Instant deadline = Instant.now().plusSeconds(30);
    while (Instant.now().isBefore(deadline)) {
      JsonNode state = evaluate("document.readyState");
      if (state.asText().equals("complete")) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("page did not load: " + url);
  }

  JsonNode evaluate(String expression) throws Exception {
    JsonNode r =
        call(
            "Runtime.evaluate",
            JSON.createObjectNode().put("expression", expression).put("returnByValue", true));
    if (r.has("exceptionDetails")) {
      throw new IllegalStateException("script failed: " + r.get("exceptionDetails"));
    }
    return r.path("result").path("value");
  }

  /**
   * Polls {@code expression} until it is truthy and returns its value (true for an element); script
   * errors while polling (the page navigating, elements not rendered yet) count as not yet.
   */
  JsonNode waitFor(String expression, Duration timeout) throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    String last = "";
    while (Instant.now().isBefore(deadline)) {
      try {
        JsonNode value =
            evaluate(
                "(() => { const v = ("
                    + expression
                    + "); return v instanceof Node ? true : v; })()");
        if (!value.isMissingNode()
            && !value.isNull()
            && !(value.isBoolean() && !value.asBoolean())
            && !(value.isTextual() && value.asText().isEmpty())
            && !(value.isNumber() && value.asDouble() == 0)) {
          return value;
        }
      } catch (IllegalStateException e) {
        last = " (last: " + e.getMessage() + ")";
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(
        "not true within " + timeout.toSeconds() + " s: " + expression + last);
  }

  /**
   * Clicks the middle of the element that {@code element} (a script expression) evaluates to, once
   * it exists, with the mouse: pressed and released, as a user's click.
   */
  void click(String element) throws Exception {
    JsonNode at =
        waitFor(
            "(() => { const e = "
                + element
                + "; if (!e) return null; e.scrollIntoView({block: 'center'});"
                + " const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0"
                + " ? {x: r.left + r.width / 2, y: r.top + r.height / 2} : null; })()",
            Duration.ofSeconds(30));
    double x = at.path("x").asDouble();
    double y = at.path("y").asDouble();
    call(
        "Input.dispatchMouseEvent",
        JSON.createObjectNode().put("type", "mouseMoved").put("x", x).put("y", y));
    for (String type : new String[] {"mousePressed", "mouseReleased"}) {
      call(
          "Input.dispatchMouseEvent",
          JSON.createObjectNode()
              .put("type", type)
              .put("x", x)
              .put("y", y)
              .put("button", "left")
              .put("buttons", type.equals("mousePressed") ? 1 : 0)
              .put("clickCount", 1));
    }
  }

  /** Types {@code text} into the focused element. */
  void type(String text) throws Exception {
    call("Input.insertText", JSON.createObjectNode().put("text", text));
  }

  /** Resizes the page's viewport (what screenshots capture). */
  void viewport(int width, int height) throws Exception {
    call(
        "Emulation.setDeviceMetricsOverride",
        JSON.createObjectNode()
            .put("width", width)
            .put("height", height)
            .put("deviceScaleFactor", 1)
            .put("mobile", false));
  }

  void screenshot(Path file) throws Exception {
    JsonNode shot = call("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"));
    Files.createDirectories(file.getParent());
    Files.write(file, Base64.getDecoder().decode(shot.path("data").asText()));
  }

  @Override
  public void close() throws Exception {
    try {
      socket.abort();
    } finally {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      new ProcessBuilder("rm", "-rf", profileDir.toString()).start().waitFor();
    }
  }
}
