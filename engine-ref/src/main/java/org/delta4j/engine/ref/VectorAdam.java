package org.delta4j.engine.ref;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Adam's float update on the JDK's Vector API, L elements a step, with the scalar loop's operations in its order (no
 * fused multiply-add), so both give the same bits. Loaded only when the module {@code jdk.incubator.vector} is present.
 */
final class VectorAdam implements Updates.FloatAdam {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  @Override
  public void apply(float[] w, float[] g, float[] m, float[] v, int from, int to, float rate, float b1, float ob1,
      float b2, float ob2, float eps, float r1, float r2) {
    int end = from + S.loopBound(to - from);
    FloatVector vb1 = FloatVector.broadcast(S, b1);
    FloatVector vob1 = FloatVector.broadcast(S, ob1);
    FloatVector vb2 = FloatVector.broadcast(S, b2);
    FloatVector vob2 = FloatVector.broadcast(S, ob2);
    FloatVector vrate = FloatVector.broadcast(S, rate);
    FloatVector vr1 = FloatVector.broadcast(S, r1);
    FloatVector vr2 = FloatVector.broadcast(S, r2);
    FloatVector veps = FloatVector.broadcast(S, eps);
    int i = from;
    for (; i < end; i += S.length()) {
      FloatVector gi = FloatVector.fromArray(S, g, i);
      FloatVector mi = vb1.mul(FloatVector.fromArray(S, m, i)).add(vob1.mul(gi));
      FloatVector vi = vb2.mul(FloatVector.fromArray(S, v, i)).add(vob2.mul(gi).mul(gi));
      mi = mi.blend(0f, mi.abs().compare(VectorOperators.LT, Float.MIN_NORMAL)); // flushed as Subnormals.flush
      vi = vi.blend(0f, vi.abs().compare(VectorOperators.LT, Float.MIN_NORMAL));
      mi.intoArray(m, i);
      vi.intoArray(v, i);
      FloatVector step = vrate.mul(mi.mul(vr1).div(vi.mul(vr2).sqrt().add(veps)));
      FloatVector.fromArray(S, w, i).sub(step).intoArray(w, i);
    }
    Updates.scalarAdam(w, g, m, v, i, to, rate, b1, ob1, b2, ob2, eps, r1, r2);
  }
}
