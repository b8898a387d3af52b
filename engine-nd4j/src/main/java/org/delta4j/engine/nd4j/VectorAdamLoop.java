package org.delta4j.engine.nd4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link NativeMemoryAdam}'s loop on the JDK's Vector API, L elements a step, with the scalar loop's operations in
 * its order (no fused multiply-add), so both give the same bits. Loaded only when {@code jdk.incubator.vector} is
 * present.
 */
final class VectorAdamLoop implements NativeMemoryAdam.Loop {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();
  private static final NativeMemoryAdam.Scalar TAIL = new NativeMemoryAdam.Scalar();

  @Override
  public void floats(ByteBuffer w, ByteBuffer g, ByteBuffer m, ByteBuffer v, int from, int n, float rate, float b1,
      float ob1, float b2, float ob2, float eps, float r1, float r2) {
    FloatVector vb1 = FloatVector.broadcast(F, b1);
    FloatVector vob1 = FloatVector.broadcast(F, ob1);
    FloatVector vb2 = FloatVector.broadcast(F, b2);
    FloatVector vob2 = FloatVector.broadcast(F, ob2);
    FloatVector vrate = FloatVector.broadcast(F, rate);
    FloatVector vr1 = FloatVector.broadcast(F, r1);
    FloatVector vr2 = FloatVector.broadcast(F, r2);
    FloatVector veps = FloatVector.broadcast(F, eps);
    int end = from + F.loopBound(n - from);
    int i = from;
    for (; i < end; i += F.length()) {
      int o = i * Float.BYTES;
      FloatVector gi = FloatVector.fromByteBuffer(F, g, o, ORDER);
      FloatVector mi = vb1.mul(FloatVector.fromByteBuffer(F, m, o, ORDER)).add(vob1.mul(gi));
      FloatVector vi = vb2.mul(FloatVector.fromByteBuffer(F, v, o, ORDER)).add(vob2.mul(gi).mul(gi));
      mi = mi.blend(0f, mi.abs().compare(VectorOperators.LT, Float.MIN_NORMAL));
      vi = vi.blend(0f, vi.abs().compare(VectorOperators.LT, Float.MIN_NORMAL));
      mi.intoByteBuffer(m, o, ORDER);
      vi.intoByteBuffer(v, o, ORDER);
      FloatVector step = vrate.mul(mi.mul(vr1).div(vi.mul(vr2).sqrt().add(veps)));
      FloatVector.fromByteBuffer(F, w, o, ORDER).sub(step).intoByteBuffer(w, o, ORDER);
    }
    TAIL.floats(w, g, m, v, i, n, rate, b1, ob1, b2, ob2, eps, r1, r2);
  }

  @Override
  public void doubles(ByteBuffer w, ByteBuffer g, ByteBuffer m, ByteBuffer v, int from, int n, double rate,
      double b1, double b2, double eps, double r1, double r2) {
    DoubleVector vb1 = DoubleVector.broadcast(D, b1);
    DoubleVector vob1 = DoubleVector.broadcast(D, 1 - b1);
    DoubleVector vb2 = DoubleVector.broadcast(D, b2);
    DoubleVector vob2 = DoubleVector.broadcast(D, 1 - b2);
    DoubleVector vrate = DoubleVector.broadcast(D, rate);
    DoubleVector vr1 = DoubleVector.broadcast(D, r1);
    DoubleVector vr2 = DoubleVector.broadcast(D, r2);
    DoubleVector veps = DoubleVector.broadcast(D, eps);
    int end = from + D.loopBound(n - from);
    int i = from;
    for (; i < end; i += D.length()) {
      int o = i * Double.BYTES;
      DoubleVector gi = DoubleVector.fromByteBuffer(D, g, o, ORDER);
      DoubleVector mi = vb1.mul(DoubleVector.fromByteBuffer(D, m, o, ORDER)).add(vob1.mul(gi));
      DoubleVector vi = vb2.mul(DoubleVector.fromByteBuffer(D, v, o, ORDER)).add(vob2.mul(gi).mul(gi));
      mi = mi.blend(0, mi.abs().compare(VectorOperators.LT, Double.MIN_NORMAL));
      vi = vi.blend(0, vi.abs().compare(VectorOperators.LT, Double.MIN_NORMAL));
      mi.intoByteBuffer(m, o, ORDER);
      vi.intoByteBuffer(v, o, ORDER);
      DoubleVector step = vrate.mul(mi.mul(vr1).div(vi.mul(vr2).sqrt().add(veps)));
      DoubleVector.fromByteBuffer(D, w, o, ORDER).sub(step).intoByteBuffer(w, o, ORDER);
    }
    TAIL.doubles(w, g, m, v, i, n, rate, b1, b2, eps, r1, r2);
  }
}
