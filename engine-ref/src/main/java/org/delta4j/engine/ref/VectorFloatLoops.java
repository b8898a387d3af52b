package org.delta4j.engine.ref;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FloatLoops} on the JDK's Vector API, L elements a step and the plain loop for the tail, doing the plain
 * loop's operations (no fused multiply-add), so giving its bits. The sums stay plain: widening floats to double
 * vectors took a second float species, and with two in use the JIT kept some vectors of other loops (Adam's) as
 * objects, a heap allocation per vector. ReLU and its gradient stay plain too: the main job (an 8-second MLP run)
 * spent its first seconds in them before C2 compiled them, and the Vector API outside C2 allocates every vector —
 * several GB, doubling the job's peak memory. Loaded only when the module {@code jdk.incubator.vector} is present.
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
}
