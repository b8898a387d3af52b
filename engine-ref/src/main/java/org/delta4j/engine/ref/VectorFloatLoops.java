package org.delta4j.engine.ref;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FloatLoops} on the JDK's Vector API, L elements a step and the plain loop for the tail. Element-wise loops
 * do the plain loop's operations (no fused multiply-add), so give its bits; sums widen each float to double and keep
 * one partial sum per double lane, added up in lane order at the end. Loaded only when the module
 * {@code jdk.incubator.vector} is present.
 */
final class VectorFloatLoops extends FloatLoops {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
  /** Floats as many as D has lanes, widened one to one into a D vector. */
  private static final VectorSpecies<Float> HALF =
      VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));

  @Override
  void affine(float[] x, float a, float b, float[] y, int from, int to) {
    int end = from + S.loopBound(to - from);
    FloatVector va = FloatVector.broadcast(S, a);
    FloatVector vb = FloatVector.broadcast(S, b);
    int i = from;
    for (; i < end; i += S.length()) {
      va.mul(FloatVector.fromArray(S, x, i)).add(vb).intoArray(y, i);
    }
    super.affine(x, a, b, y, i, to);
  }

  @Override
  void axpy(float a, float[] x, float[] y, int from, int to) {
    int end = from + S.loopBound(to - from);
    FloatVector va = FloatVector.broadcast(S, a);
    int i = from;
    for (; i < end; i += S.length()) {
      FloatVector.fromArray(S, y, i).add(va.mul(FloatVector.fromArray(S, x, i))).intoArray(y, i);
    }
    super.axpy(a, x, y, i, to);
  }

  @Override
  double sum(float[] x, int from, int to) {
    int end = from + HALF.loopBound(to - from);
    DoubleVector acc = DoubleVector.zero(D);
    int i = from;
    for (; i < end; i += HALF.length()) {
      acc = acc.add(FloatVector.fromArray(HALF, x, i).convertShape(VectorOperators.F2D, D, 0));
    }
    return lanes(acc) + super.sum(x, i, to);
  }

  @Override
  double sumOfProducts(float[] x, float[] y, int from, int to) {
    int end = from + HALF.loopBound(to - from);
    DoubleVector acc = DoubleVector.zero(D);
    int i = from;
    for (; i < end; i += HALF.length()) {
      DoubleVector u = (DoubleVector) FloatVector.fromArray(HALF, x, i).convertShape(VectorOperators.F2D, D, 0);
      DoubleVector v = (DoubleVector) FloatVector.fromArray(HALF, y, i).convertShape(VectorOperators.F2D, D, 0);
      acc = acc.add(u.mul(v));
    }
    return lanes(acc) + super.sumOfProducts(x, y, i, to);
  }

  /** Each thread's array for a vector's lanes: reading lanes one by one would box the vector. */
  private static final ThreadLocal<double[]> LANES = ThreadLocal.withInitial(() -> new double[D.length()]);

  /** The lanes' sum in lane order (reduceLanes leaves the order of a floating-point sum open). */
  private static double lanes(DoubleVector acc) {
    double[] lanes = LANES.get();
    acc.intoArray(lanes, 0);
    double sum = 0;
    for (double lane : lanes) {
      sum += lane;
    }
    return sum;
  }

  @Override
  void windowMaxima(float[] x, int image, int w, float[] max, int from, int to) {
    int end = from + S.loopBound(to - from);
    int e = from;
    for (; e < end; e += S.length()) {
      int i = image + e;
      FloatVector.fromArray(S, x, i).max(FloatVector.fromArray(S, x, i + 1)).max(FloatVector.fromArray(S, x, i + w))
          .max(FloatVector.fromArray(S, x, i + w + 1)).intoArray(max, e);
    }
    super.windowMaxima(x, image, w, max, e, to);
  }

  @Override
  void relu(float[] x, float[] y, int from, int to) {
    int end = from + S.loopBound(to - from);
    int i = from;
    for (; i < end; i += S.length()) {
      FloatVector.fromArray(S, x, i).max(0f).intoArray(y, i);
    }
    super.relu(x, y, i, to);
  }

  @Override
  void reluBackward(float[] x, float[] dy, float[] dx, int from, int to) {
    int end = from + S.loopBound(to - from);
    FloatVector zero = FloatVector.zero(S);
    int i = from;
    for (; i < end; i += S.length()) {
      VectorMask<Float> positive = FloatVector.fromArray(S, x, i).compare(VectorOperators.GT, 0f);
      zero.blend(FloatVector.fromArray(S, dy, i), positive).intoArray(dx, i);
    }
    super.reluBackward(x, dy, dx, i, to);
  }
}
