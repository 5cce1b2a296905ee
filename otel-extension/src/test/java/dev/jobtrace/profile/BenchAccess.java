package dev.jobtrace.profile;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Lets the benchmark time snippet building on a span of a given shape. */
public final class BenchAccess {
  private BenchAccess() {}

  public static double snippetBuildMillis(int samples, int distinctStacks, int depth, int builds) {
    Random random = new Random(1);
    List<String> stacks = new ArrayList<>();
    for (int i = 0; i < distinctStacks; i++) {
      StringBuilder sb = new StringBuilder("java.lang.Thread.run");
      for (int d = 0; d < depth; d++) {
        sb.append(";com.example.service.Component").append(random.nextInt(50)).append(".method").append(random.nextInt(20));
      }
      stacks.add(sb.toString());
    }
    List<Long> nanos = new ArrayList<>();
    for (int b = -50; b < builds; b++) {
      SpanNode node = new SpanNode("s", null, 0);
      for (int i = 0; i < samples; i++) {
        node.add(stacks.get((int) Math.min(distinctStacks - 1, Math.abs(random.nextGaussian()) * distinctStacks / 3)), Integer.MAX_VALUE);
      }
      long t0 = System.nanoTime();
      ProfileSnippet.build(node.stacks, 65536, new HotFrames(List.of()));
      long t = System.nanoTime() - t0;
      if (b >= 0) {
        nanos.add(t);
      }
    }
    Collections.sort(nanos);
    return nanos.get(nanos.size() / 2) / 1e6;
  }
}
