package org.delta4j.engine.ref;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FloatLoops} on the JDK's Vector API, L elements a step and the plain loop for the tail, doing the plain
 * loop's operations (no fused multiply-add), so giving its bits. The sums stay plain: widening floats to double
 * vectors took a second float species, and with two in use the JIT kept some vectors of other loops (Adam's) as
 * objects, a heap allocation per vector. ReLU and its gradient stay plain too: the main job (an 8-second MLP run)
 * spent its first seconds in them before C2 compiled them, and the Vector API outside C2 allocates every vector —
 * several GB, doubling the job's peak memory. (ReLU's gradient in vectors, and a bias's gradient summed in vectors
 * down the rows, ran 3-6 times as fast once compiled; but in the convolutional network they run once a step, on its
 * Dense layers, and C2 compiled them only seconds in, after the benchmark's warm-up: 200-770 KB a step allocated until
 * then.) Loaded only when the module {@code jdk.incubator.vector} is present.
 */
final class VectorFloatLoops extends FloatLoops {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  /** Below this many elements a loop called rarely runs plain (see {@link #axpy}). */
  static final int SHORT = 1024;

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
  void centredAffine(float[] x, float k, float a, float b, float[] y, int from, int to) {
    int end = from + S.loopBound(to - from);
    FloatVector va = FloatVector.broadcast(S, a);
    FloatVector vb = FloatVector.broadcast(S, b);
    int i = from;
    for (; i < end; i += S.length()) {
      va.mul(FloatVector.fromArray(S, x, i).sub(k)).add(vb).intoArray(y, i);
    }
    super.centredAffine(x, k, a, b, y, i, to);
  }

  @Override
  void axpy(float a, float[] x, float[] y, int from, int to) {
    if (to - from < SHORT) {
      // Short axpys (a layer's per-channel gradients) run a few times a step: too rarely for C2 to compile this loop,
      // and the Vector API run by the interpreter or C1 allocates every vector (1.6 KB a call for 64 floats).
      super.axpy(a, x, y, from, to);
      return;
    }
    int end = from + S.loopBound(to - from);
    FloatVector va = FloatVector.broadcast(S, a);
    int i = from;
    for (; i < end; i += S.length()) {
      FloatVector.fromArray(S, y, i).add(va.mul(FloatVector.fromArray(S, x, i))).intoArray(y, i);
    }
    super.axpy(a, x, y, i, to);
  }

  @Override
  void combine(float[] x, float a, float[] z, float k, float b, float shift, boolean gated, float gk, float gs,
      float gt, float[] y, int from, int to) {
    int end = from + S.loopBound(to - from);
    int i = from;
    // a·x + b·(z − k) + shift, in the plain loop's order. Gated, x is +0 where gs·(z − gk) + gt ≤ 0 and counts
    // elsewhere (NaN too): FloatLoops.passed of the affine map's bits (a difference, a multiply, then an add, as
    // centredAffine does). Two loops rather than a test in one, and the gate written out rather than in a method of
    // its own: a method that C2 leaves a call (as it left andNot, see windowGradients) boxes every vector passed to it.
    if (gated) {
      FloatVector zero = FloatVector.zero(S);
      for (; i < end; i += S.length()) {
        FloatVector vz = FloatVector.fromArray(S, z, i);
        FloatVector vx = FloatVector.fromArray(S, x, i).blend(zero,
            vz.sub(gk).mul(gs).add(gt).compare(VectorOperators.LE, 0f));
        vx.mul(a).add(vz.sub(k).mul(b)).add(shift).intoArray(y, i);
      }
    } else {
      for (; i < end; i += S.length()) {
        FloatVector vz = FloatVector.fromArray(S, z, i);
        FloatVector.fromArray(S, x, i).mul(a).add(vz.sub(k).mul(b)).add(shift).intoArray(y, i);
      }
    }
    super.combine(x, a, z, k, b, shift, gated, gk, gs, gt, y, i, to);
  }

  @Override
  void centredTerms(float[] a, float ka, float[] b, float kb, boolean gated, float gk, float gs, float gt,
      float[] terms, int size, int row, int from, int to) {
    int end = from + S.loopBound(to - from);
    int i = from;
    if (gated) { // see combine
      FloatVector zero = FloatVector.zero(S);
      for (; i < end; i += S.length()) {
        FloatVector vb = FloatVector.fromArray(S, b, i);
        FloatVector p = FloatVector.fromArray(S, a, i).blend(zero,
            vb.sub(gk).mul(gs).add(gt).compare(VectorOperators.LE, 0f)).sub(ka);
        p.intoArray(terms, i - row);
        p.mul(vb.sub(kb)).intoArray(terms, size + i - row);
      }
    } else {
      for (; i < end; i += S.length()) {
        FloatVector vb = FloatVector.fromArray(S, b, i);
        FloatVector p = FloatVector.fromArray(S, a, i).sub(ka);
        p.intoArray(terms, i - row);
        p.mul(vb.sub(kb)).intoArray(terms, size + i - row);
      }
    }
    super.centredTerms(a, ka, b, kb, gated, gk, gs, gt, terms, size, row, i, to);
  }
}
