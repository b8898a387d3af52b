package org.delta4j.engine.ref;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.Vector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FloatLoops} on the JDK's Vector API, L elements a step and the plain loop for the tail, doing the plain
 * loop's operations (no fused multiply-add), so giving its bits. The sums stay plain: widening floats to double
 * vectors took a second float species, and with two in use the JIT kept some vectors of other loops (Adam's) as
 * objects, a heap allocation per vector. ReLU stays plain too: the main job (an 8-second MLP run) spent its first
 * seconds in it before C2 compiled it, on evaluation's large batches as well, and the Vector API outside C2 allocates
 * every vector — several GB, doubling the job's peak memory. Loaded only when the module {@code jdk.incubator.vector}
 * is present.
 *
 * <p>A loop that a training step runs only once or twice (a Dense layer's bias gradient and ReLU's gradient) is cut
 * into calls of at most {@link #CALL} elements of a method of its own. C2 compiles a method once it has been called
 * some hundreds of times; called once a step, as the convolutional network's Dense layers call them, the whole loops
 * were compiled only some hundreds of steps in, after the benchmark's warm-up, and allocated 200-770 KB a step until
 * then. Cut, their vector methods are called tens of times a step.
 */
final class VectorFloatLoops extends FloatLoops {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  /** Below this many elements a loop called rarely runs plain (see {@link #axpy}). */
  static final int SHORT = 1024;
  /** The most elements one call of a loop's vector method takes, for a loop run a few times a step (see above). */
  static final int CALL = 256;
  /**
   * The vector class, to which a vector carried around a loop is cast before a method is called on it: to C2's parser
   * such a vector is only a FloatVector, and a method called on it was in some JVMs bound to a slow path that kept it
   * a heap object (the gemm kernels' accumulators are stored so too).
   */
  private static final Class<? extends Vector<Float>> VECTOR = S.vectorType();

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

  /**
   * A vector of columns and a block of rows a call, the columns' sums kept in a register down the block's rows: the
   * plain loop, which loads and stores s[j] for every row, took 9-12 µs for a 128 × 256 batch's bias gradient on
   * AVX-512, this one 2-3 in the training step. The blocks of a column are taken in row order, so its terms are still
   * added in row order: the plain loop's bits.
   */
  @Override
  void columnSums(float[] x, int rows, int n, float[] s, int from, int to) {
    int l = S.length();
    int wide = from + S.loopBound(to - from);
    int block = CALL / l;
    for (int j = from; j < wide; j += l) {
      for (int i = 0; i < rows; i += block) {
        columnSumsOfBlock(x, i, Math.min(i + block, rows), n, s, j);
      }
    }
    super.columnSums(x, rows, n, s, wide, to);
  }

  /** s[j, j + L) ← s[j, j + L) + Σ x[i·n + j, i·n + j + L) over the rows i in [fromRow, toRow). */
  private static void columnSumsOfBlock(float[] x, int fromRow, int toRow, int n, float[] s, int j) {
    FloatVector sum = FloatVector.fromArray(S, s, j);
    for (int i = fromRow, o = fromRow * n + j; i < toRow; i++, o += n) {
      sum = ((FloatVector) VECTOR.cast(sum)).add(FloatVector.fromArray(S, x, o));
    }
    ((FloatVector) VECTOR.cast(sum)).intoArray(s, j);
  }

  /**
   * dy's vector with +0 blended in where x ≤ 0 (a NaN x compares false and passes dy): the plain loop's bits. The
   * plain loop's integer tests of x's bits are not vectorised by C2: 13 µs for a 128 × 256 batch on AVX-512, this
   * one about 4.
   */
  @Override
  void reluBackward(float[] x, float[] dy, float[] dx, int from, int to) {
    int end = from + S.loopBound(to - from);
    for (int i = from; i < end; i += CALL) {
      reluBackwardVectors(x, dy, dx, i, Math.min(i + CALL, end));
    }
    super.reluBackward(x, dy, dx, end, to);
  }

  /** {@link #reluBackward} over [from, to), a multiple of L elements. */
  private static void reluBackwardVectors(float[] x, float[] dy, float[] dx, int from, int to) {
    for (int i = from; i < to; i += S.length()) {
      VectorMask<Float> blocked = FloatVector.fromArray(S, x, i).compare(VectorOperators.LE, 0f);
      FloatVector.fromArray(S, dy, i).blend(0f, blocked).intoArray(dx, i);
    }
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
