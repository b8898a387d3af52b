package org.delta4j.spark;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * {@link GradientTree.Node}s as the text that {@code BarrierTaskContext.allGather} carries: per node its block range,
 * length and values as IEEE-754 doubles, Base64-encoded — exact, so the sums stay bit for bit. Stateless.
 */
final class NodeCodec {
  private NodeCodec() {}

  static String encode(List<GradientTree.Node> nodes) {
    int bytes = 4;
    for (GradientTree.Node n : nodes) {
      bytes += 12 + 8 * n.values().length;
    }
    ByteBuffer b = ByteBuffer.allocate(bytes);
    b.putInt(nodes.size());
    for (GradientTree.Node n : nodes) {
      b.putInt(n.lo()).putInt(n.hi()).putInt(n.values().length);
      b.asDoubleBuffer().put(n.values());
      b.position(b.position() + 8 * n.values().length);
    }
    return Base64.getEncoder().encodeToString(b.array());
  }

  static List<GradientTree.Node> decode(String text) {
    ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(text));
    int count = b.getInt();
    List<GradientTree.Node> nodes = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int lo = b.getInt();
      int hi = b.getInt();
      double[] values = new double[b.getInt()];
      b.asDoubleBuffer().get(values);
      b.position(b.position() + 8 * values.length);
      nodes.add(new GradientTree.Node(lo, hi, values));
    }
    return nodes;
  }
}
