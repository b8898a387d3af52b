package org.delta4j.engine.ref;

import java.util.Locale;
import java.util.function.IntConsumer;
import org.delta4j.engine.ConvGeometry;
import org.delta4j.engine.Convolution;
import org.delta4j.engine.ImageLoops;
import org.delta4j.engine.KernelArguments;
import org.delta4j.engine.WorkerPool;
import org.delta4j.engine.ref.gemm.MatrixMultiply;
import org.delta4j.io.Heap;
import org.delta4j.tensor.Tensor;

/**
 * The reference engine's {@link Convolution}: the im2col products of {@link org.delta4j.engine.ColumnConvolution}
 * done a block of a few samples at a time, so that a block's column matrix and product stay in the core's cache
 * between the gather, the matrix product and the copy into NCHW order, instead of a whole batch's column matrix (for
 * 32 channels of 14×14 under a 3×3 window at batch 128, 29 MB) going out to memory and back. The batch is split
 * between the cores by samples, each part with its own block buffers: forward, per block, col ← im2col(x),
 * Z = W·col, y ← Z in NCHW order; backward, per block, dZ ← dY in [F, samples·P] order, col ← im2col(x) again,
 * each group's dW partial += dZ·colᵀ, col ← Wᵀ·dZ, dx ← col⁻¹(col). The batch is cut into at most {@value
 * #MAX_GROUPS} groups of whole blocks, fixed by the batch and block sizes, each with its own dW partial, and the cores
 * share the groups out; the partials are added in group order after the parts finish, so dW's grouping depends on the
 * batch size and the geometry only, never on the core count (a resume on another machine computes the same bits).
 * Keeps x, not its column matrix, from the training forward pass. Not thread-safe (one per layer); allocates nothing
 * once its buffers are made.
 */
final class BlockedConvolution implements Convolution {
  /**
   * Elements a block's column matrix, or its product, may hold: 128 Ki, half a MiB in float, so that both and the
   * matrix product's packed copy fit a core's L2 cache together.
   */
  static final int BLOCK_ELEMENTS = 1 << 17;

  /**
   * The most groups a batch is cut into, each with its own dW partial: enough that the cores share a batch's blocks
   * out evenly (a group of one block each, for batches of up to 64 blocks), few enough that the partials stay small
   * beside the blocks' own work (64 partials of 64 filters over 32 channels under 3×3 are 4.5 MiB in float).
   */
  static final int MAX_GROUPS = 64;

  private final RefEngine engine;
  private final WorkerPool pool;
  private final ConvGeometry g;
  private final int filters;
  private final int blockSamples;
  /**
   * Whether the parts' dW partials are kept transposed, [C·kh·kw, F]: when there are fewer tap rows than filters (a
   * first layer: 9 rows under a 3×3 window on one channel), the matrix product's register tile is filled better by
   * col·dZᵀ, with the tap rows as its rows, than by dZ·colᵀ, with them as its few columns.
   */
  private final boolean transposedPartials;
  private Arithmetic arithmetic;
  private Object[] columns = new Object[0]; // per part: a block's column matrix [C·kh·kw, b·P]
  private Object[] products = new Object[0]; // per part: a block's product [F, b·P]
  private Object[] partials = new Object[0]; // per group: its samples' dW, [F, C·kh·kw]
  private Tensor input; // x of the last training pass

  // The pass the parts run, set before they start (the pool's hand-over publishes them), so a pass allocates nothing
  private boolean backward;
  private Object x;
  private Object w;
  private Object y; // forward: y; backward: dy
  private Object dx;
  private boolean weightGradient;
  private int batch;
  private int parts;
  private int groups;
  private int groupSamples;
  private final IntConsumer part = this::runPart;

  BlockedConvolution(RefEngine engine, ConvGeometry geometry, int filters) {
    this(engine, geometry, filters, BLOCK_ELEMENTS, WorkerPool.shared());
  }

  /**
   * With blocks of as many samples as keep a block's column matrix and product within {@code blockElements}, split
   * over the cores of {@code pool}.
   */
  BlockedConvolution(RefEngine engine, ConvGeometry geometry, int filters, int blockElements, WorkerPool pool) {
    KernelArguments.convolution(geometry, filters);
    this.engine = engine;
    this.pool = pool;
    this.g = geometry;
    this.filters = filters;
    long perSample = (long) Math.max(geometry.columnRows(), filters) * geometry.positions();
    this.blockSamples = (int) Math.max(1, blockElements / perSample);
    this.transposedPartials = geometry.columnRows() < filters;
  }

  @Override
  public void forward(Tensor x, Tensor weights, Tensor y, boolean training) {
    int n = KernelArguments.convolutionForward(g, filters, x, weights, y);
    RefTensor rx = ref(x);
    run(false, n, rx, ref(weights), ref(y), null, false);
    input = training ? x : input;
  }

  @Override
  public void backward(Tensor dy, Tensor weights, double beta, Tensor dw, Tensor dx) {
    if (input == null) {
      throw new IllegalStateException("convolution: backward called without a forward pass in training mode before it");
    }
    int n = input.shape().dim(0);
    KernelArguments.convolutionBackward(g, filters, n, input, dy, weights, dw, dx);
    if (dw == null && dx == null) {
      return;
    }
    RefTensor rdx = dx == null ? null : ref(dx);
    run(true, n, ref(input), ref(weights), ref(dy), rdx, dw != null);
    if (dw != null) {
      RefTensor rdw = ref(dw);
      sumPartials(beta, array(rdw));
    }
  }

  /**
   * dw ← β·dw + Σ_g partial_g, in double, the partials added in group order; β = 0 ignores what dw held. Transposed
   * partials [C·kh·kw, F] are read across: dw[f, r] takes partial[r, f].
   */
  private void sumPartials(double beta, Object dw) {
    Arithmetic a = arithmetic;
    int rows = g.columnRows();
    for (int i = 0; i < filters * rows; i++) {
      int from = transposedPartials ? i % rows * filters + i / rows : i;
      double t = beta == 0 ? 0 : beta * a.get(dw, i);
      for (int p = 0; p < groups; p++) {
        t += a.get(partials[p], from);
      }
      a.set(dw, i, t);
    }
  }

  private RefTensor ref(Tensor t) {
    return KernelArguments.owned("convolution", t, engine, RefTensor.class);
  }

  private static Object array(RefTensor t) {
    return t.floats != null ? t.floats : t.doubles;
  }

  /** Runs one pass over the batch's groups, shared out between parts, each part on its own block buffers. */
  private void run(boolean backward, int n, RefTensor rx, RefTensor rw, RefTensor ry, RefTensor rdx, boolean dw) {
    Arithmetic a = rx.floats != null ? Arithmetic.FLOAT : Arithmetic.DOUBLE;
    long elements = (long) g.columnRows() * g.positions() * n;
    // groups of whole blocks, as few as keep them at most MAX_GROUPS: fixed by the batch, whatever the cores
    int blocks = (n + blockSamples - 1) / blockSamples;
    int blocksPerGroup = (blocks + MAX_GROUPS - 1) / MAX_GROUPS;
    this.groupSamples = blocksPerGroup * blockSamples;
    this.groups = (n + groupSamples - 1) / groupSamples;
    int count = Math.min(groups, pool.parts(n, elements)); // by the batch's column-matrix elements
    buffers(a, count, groups);
    this.backward = backward;
    this.x = array(rx);
    this.w = array(rw);
    this.y = array(ry);
    this.dx = rdx == null ? null : array(rdx);
    this.weightGradient = dw;
    this.batch = n;
    this.parts = count;
    try {
      if (count == 1) {
        runPart(0);
      } else {
        pool.invoke(count, part);
      }
    } finally {
      this.x = null; // keep no caller's arrays alive
      this.w = null;
      this.y = null;
      this.dx = null;
    }
  }

  /** Makes the per-part block buffers and the per-group partials for the data type and counts, once. */
  private void buffers(Arithmetic a, int count, int groupCount) {
    if (a == arithmetic && columns.length >= count && partials.length >= groupCount) {
      return;
    }
    int block = blockSamples * g.positions();
    count = Math.max(count, columns.length);
    groupCount = Math.max(groupCount, partials.length);
    columns = new Object[count];
    products = new Object[count];
    partials = new Object[groupCount];
    try {
      for (int p = 0; p < count; p++) {
        columns[p] = a.make(g.columnRows() * block);
        products[p] = a.make(filters * block);
      }
      for (int p = 0; p < groupCount; p++) {
        partials[p] = a.make(filters * g.columnRows());
      }
    } catch (OutOfMemoryError e) {
      columns = products = partials = new Object[0]; // nothing half made kept: the next pass starts over
      arithmetic = null;
      long elements = (long) count * (g.columnRows() + filters) * block + (long) groupCount * filters * g.columnRows();
      throw Heap.outOfMemory(String.format(Locale.ROOT, "convolution: the work buffers of %d filter%s over %s images "
          + "under a %s (%d part%s of %d image%s, %,d values)", filters, filters == 1 ? "" : "s", g.image(),
          g.window(), count, count == 1 ? "" : "s", blockSamples, blockSamples == 1 ? "" : "s", elements),
          elements * (a == Arithmetic.FLOAT ? Float.BYTES : Double.BYTES), e);
    }
    arithmetic = a;
  }

  /** Part p: the groups [G·p/parts, G·(p + 1)/parts), each a block at a time. */
  private void runPart(int p) {
    for (int group = WorkerPool.start(groups, p, parts); group < WorkerPool.start(groups, p + 1, parts); group++) {
      int from = group * groupSamples;
      runGroup(p, group, from, Math.min(batch, from + groupSamples));
    }
  }

  /** The samples [from, to) of group {@code group}, on part p's block buffers. */
  private void runGroup(int p, int group, int from, int to) {
    Arithmetic a = arithmetic;
    Object col = columns[p];
    Object z = products[p];
    int rows = g.columnRows();
    int positions = g.positions();
    int image = filters * positions; // one sample of y or dy
    boolean first = true;
    for (int s0 = from; s0 < to; s0 += blockSamples) {
      int s = Math.min(blockSamples, to - s0);
      int width = s * positions;
      if (!backward) {
        a.im2col(x, col, g, s, s0); //                                col ← im2col(x[s0, s0 + s))
        a.gemm(false, false, filters, width, rows, w, rows, col, width, 0, z, width); // Z = W·col
        ImageLoops.swapLeadingAxes(z, 0, y, s0 * image, filters, s, positions); //  y ← Z in NCHW order
        continue;
      }
      ImageLoops.swapLeadingAxes(y, s0 * image, z, 0, s, filters, positions); //   dZ ← dY as [F, s·P]
      if (weightGradient) {
        a.im2col(x, col, g, s, s0);
        double beta = first ? 0 : 1;
        if (transposedPartials) { //                                        partial += col·dZᵀ = (dZ·colᵀ)ᵀ
          a.gemm(false, true, rows, filters, width, col, width, z, width, beta, partials[group], filters);
        } else { //                                                         partial += dZ·colᵀ
          a.gemm(false, true, filters, rows, width, z, width, col, width, beta, partials[group], rows);
        }
        first = false;
      }
      if (dx != null) {
        a.gemm(true, false, rows, width, filters, w, rows, z, width, 0, col, width); //  col ← Wᵀ·dZ
        a.col2im(col, dx, g, s, s0); //                               dx[s0, s0 + s) ← col⁻¹(col)
      }
    }
  }

  /** The loops of one element type: the engine stores FLOAT32 in float[] and FLOAT64 in double[]. */
  private interface Arithmetic {
    Object make(int size);

    /** col [C·kh·kw, s·P] ← im2col of x's samples [first, first + s). */
    void im2col(Object x, Object col, ConvGeometry g, int s, int first);

    /** x's samples [first, first + s) ← col⁻¹(col [C·kh·kw, s·P]). */
    void col2im(Object col, Object x, ConvGeometry g, int s, int first);

    /** C ← op(A)·op(B) + β·C, row-major. */
    void gemm(boolean ta, boolean tb, int m, int n, int k, Object a, int lda, Object b, int ldb, double beta,
        Object c, int ldc);

    double get(Object array, int i);

    void set(Object array, int i, double value);

    Arithmetic FLOAT = new Arithmetic() {
      @Override
      public Object make(int size) {
        return new float[size];
      }

      @Override
      public void im2col(Object x, Object col, ConvGeometry g, int s, int first) {
        ImageLoops.im2col((float[]) x, (float[]) col, g, s, 0, s, first);
      }

      @Override
      public void col2im(Object col, Object x, ConvGeometry g, int s, int first) {
        ImageLoops.col2im((float[]) col, (float[]) x, g, s, 0, s, first, true); // col is the part's own buffer
      }

      @Override
      public void gemm(boolean ta, boolean tb, int m, int n, int k, Object a, int lda, Object b, int ldb,
          double beta, Object c, int ldc) {
        MatrixMultiply.get().sgemm(ta, tb, m, n, k, 1f, (float[]) a, lda, (float[]) b, ldb, (float) beta,
            (float[]) c, ldc);
      }

      @Override
      public double get(Object array, int i) {
        return ((float[]) array)[i];
      }

      @Override
      public void set(Object array, int i, double value) {
        ((float[]) array)[i] = (float) value;
      }
    };

    Arithmetic DOUBLE = new Arithmetic() {
      @Override
      public Object make(int size) {
        return new double[size];
      }

      @Override
      public void im2col(Object x, Object col, ConvGeometry g, int s, int first) {
        ImageLoops.im2col((double[]) x, (double[]) col, g, s, 0, s, first);
      }

      @Override
      public void col2im(Object col, Object x, ConvGeometry g, int s, int first) {
        ImageLoops.col2im((double[]) col, (double[]) x, g, s, 0, s, first);
      }

      @Override
      public void gemm(boolean ta, boolean tb, int m, int n, int k, Object a, int lda, Object b, int ldb,
          double beta, Object c, int ldc) {
        MatrixMultiply.get().dgemm(ta, tb, m, n, k, 1, (double[]) a, lda, (double[]) b, ldb, beta, (double[]) c,
            ldc);
      }

      @Override
      public double get(Object array, int i) {
        return ((double[]) array)[i];
      }

      @Override
      public void set(Object array, int i, double value) {
        ((double[]) array)[i] = (double) value;
      }
    };
  }
}
