package org.delta4j.engine.nd4j;

import java.util.function.LongUnaryOperator;
import org.bytedeco.javacpp.Pointer;
import org.delta4j.engine.ConvGeometry;
import org.delta4j.engine.Convolution;
import org.delta4j.engine.ImageLoops;
import org.delta4j.engine.KernelArguments;
import org.delta4j.engine.WorkerPool;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;

/**
 * The engine's {@link Convolution}, sample by sample in blocks of {@value #BLOCK} samples (fewer where a sample's
 * column matrix or output is large, {@link #BLOCK_ELEMENTS}), so that a block's column matrices stay in cache between
 * their making and their products: per sample n, xₙ is copied to the heap, col(xₙ) [C·kh·kw, oh·ow] made there by the
 * portable {@link ImageLoops#im2col} and copied to native memory in one block, and yₙ [F, oh·ow] = W·col(xₙ) is one
 * BLAS call ({@link BlasGemm}) written straight into y, which is sample n of y in NCHW order. Backward: dW = β·dW + Σₙ
 * dYₙ·col(xₙ)ᵀ, accumulated sample by sample in BLAS from the columns the training pass kept, [N, C·kh·kw·oh·ow]; per
 * sample, dcolₙ = Wᵀ·dYₙ, copied to the heap, made dxₙ by {@link ImageLoops#col2im} and copied back; with OpenBLAS on
 * several threads, one product a block instead, Wᵀ·[dYₙ …] over the block's dY side by side ({@code
 * inputGradientByBlocks}). The copies, im2col and col2im, a sample's own work in Java, run on the cores of the {@link
 * WorkerPool} side by side, a block's samples shared out among them; the products run between, in OpenBLAS's threads,
 * or, when OpenBLAS runs each on one thread ({@link BlasGemm#turns} false), in each core's part beside its Java work.
 * Against ND4J's im2col and col2im over the batch this reads and writes a block's columns in cache (for 32 channels of
 * 14×14 at batch 128, the batch's are 29 MB), where the whole-batch product [F, N·oh·ow] of {@link
 * org.delta4j.engine.ColumnConvolution} also copies them into another order. dW is summed in sample order on the
 * calling thread, so its bits do not depend on the cores. dX's products are fixed by OpenBLAS's thread count (one a
 * block, or one a sample), so its bits do not depend on the cores either, though another thread count may round them
 * otherwise, as it may the engine's other products. An inference pass keeps its columns in a block's native buffer, so
 * one between a training pass and its backward leaves what backward reads. Buffers are made per batch size and type on
 * first need; steady-state passes allocate no arrays (the products take their pointer cursors, made once a block and
 * part). Not thread-safe: one per layer.
 */
final class Nd4jConvolution implements Convolution {
  /**
   * Samples whose Java work is shared out among the cores at once: enough that each core's share outweighs the hand
   * over, few enough that the block's column matrices stay in cache until their products.
   */
  static final int BLOCK = 16;
  /**
   * The most elements a block's buffers hold, of its column matrices or of its dy, 4 MB in float: larger images take
   * fewer samples a block, down to one, so that those buffers (one sample's each, before blocks) grow by at most this.
   */
  static final int BLOCK_ELEMENTS = 1 << 20;
  private final Nd4jEngine engine;
  private final ConvGeometry g;
  private final int filters;
  private final int column; // the elements of one sample's column matrix, C·kh·kw·oh·ow
  private final int image; // the elements of one sample's image, C·H·W
  private final int block; // the samples of a block: BLOCK, fewer for large column matrices or outputs
  private Nd4jTensor kept; // col(X) of the last training pass, [N, C·kh·kw·oh·ow]
  private Nd4jTensor work; // a block's columns: of an inference pass, or Wᵀ·dYₙ in backward
  private final Object[] images; // float[] or double[] per part: one sample's x, or dx, on the heap
  private final Object[] columns; // float[] or double[] per part: one sample's column matrix on the heap
  private final Object[] gradients; // float[] or double[] per part: one sample's dy on the heap
  private Nd4jTensor gathered; // a block's dy side by side, [F, B·oh·ow], when OpenBLAS runs on several threads
  private int batch;

  /** For images of {@code geometry} and {@code filters} kernels. */
  Nd4jConvolution(Nd4jEngine engine, ConvGeometry geometry, int filters) {
    KernelArguments.convolution(geometry, filters);
    this.engine = engine;
    this.g = geometry;
    this.filters = filters;
    this.column = geometry.columnRows() * geometry.positions();
    this.image = geometry.channels() * geometry.height() * geometry.width();
    long largest = Math.max(column, (long) filters * geometry.positions()); // a sample's columns, or its y or dy
    this.block = (int) Math.max(1, Math.min(BLOCK, BLOCK_ELEMENTS / Math.max(1, largest)));
    int parts = WorkerPool.shared().parallelism();
    this.images = new Object[parts];
    this.columns = new Object[parts];
    this.gradients = new Object[parts];
  }

  @Override
  public void forward(Tensor x, Tensor weights, Tensor y, boolean training) {
    int n = KernelArguments.convolutionForward(g, filters, x, weights, y);
    Nd4jTensor in = owned(x);
    // The heap's column matrix before the native memory's: one too large for the heap takes neither.
    heap(columns, 0, in, column);
    Nd4jTensor cols = training ? (kept = buffer(kept, n, in)) : work(Math.min(n, block), in);
    NativeMemory inMemory = in.memory("convolution");
    NativeMemory colMemory = cols.memory("convolution");
    NativeMemory weightMemory = owned(weights).memory("convolution");
    NativeMemory outMemory = owned(y).memory("convolution");
    int rows = g.columnRows();
    int positions = g.positions();
    long sample = (long) filters * positions; // one sample of y
    SampleProduct product = (c, s, at) -> BlasGemm.gemm(false, false, filters, positions, rows, 1, c[0], rows,
        c[1].position(at), positions, 0, c[2].position(s * sample), positions); // yₙ = W·col(xₙ)
    byBlocks(n, training, false, new NativeMemory[] {weightMemory, colMemory, outMemory}, product, (part, s, at) -> {
      Object im = heap(images, part, in, image);
      Object col = heap(columns, part, in, column);
      HeapCopy.load(inMemory, (long) s * image, im, image); //        xₙ, on the heap
      HeapCopy.im2col(im, col, g, 0); //                               col(xₙ), on the heap
      HeapCopy.store(col, colMemory, at, column); //                    to native memory, still in cache
    });
    NativeMemory.keep(inMemory, weightMemory, colMemory, outMemory); // the pointers are bare addresses
    if (training) {
      batch = n;
    }
  }

  @Override
  public void backward(Tensor dy, Tensor weights, double beta, Tensor dw, Tensor dx) {
    if (kept == null) {
      throw new IllegalStateException("convolution: backward called without a forward pass in training mode before it");
    }
    KernelArguments.convolutionBackward(g, filters, batch, kept, dy, weights, dw, dx);
    int rows = g.columnRows();
    int positions = g.positions();
    NativeMemory gradientMemory = owned(dy).memory("convolution");
    NativeMemory weightMemory = owned(weights).memory("convolution");
    Pointer gradient = BlasGemm.cursor(gradientMemory);
    long sample = (long) filters * positions; // one sample of dy
    if (dw != null) {
      NativeMemory colMemory = kept.memory("convolution");
      NativeMemory dwMemory = owned(dw).memory("convolution");
      Pointer col = BlasGemm.cursor(colMemory);
      Pointer out = dwMemory.pointer; // position 0 throughout: not moved
      for (int s = 0; s < batch; s++) { //                                dW ← β·dW + Σₙ dYₙ·col(xₙ)ᵀ
        BlasGemm.gemm(false, true, filters, rows, positions, 1, gradient.position(s * sample), positions,
            col.position((long) s * column), positions, s == 0 ? beta : 1, out, rows);
      }
      NativeMemory.keep(colMemory, dwMemory); // the pointers are bare addresses
    }
    if (dx != null) {
      NativeMemory workMemory = work(Math.min(batch, block), kept).memory("convolution");
      NativeMemory dxMemory = owned(dx).memory("convolution");
      if (BlasGemm.turns() && sample <= Integer.MAX_VALUE - 8) { // a sample of dy is then one heap array
        inputGradientByBlocks(gradientMemory, weightMemory, workMemory, dxMemory);
      } else {
        SampleProduct product = (c, s, at) -> BlasGemm.gemm(true, false, rows, positions, filters, 1, c[0], rows,
            c[1].position(s * sample), positions, 0, c[2].position(at), positions); //  dcolₙ = Wᵀ·dYₙ
        NativeMemory[] operands = {weightMemory, gradientMemory, workMemory};
        byBlocks(batch, false, true, operands, product, (part, s, at) -> {
          Object col = heap(columns, part, kept, column);
          HeapCopy.load(workMemory, at, col, column);
          inputGradient(part, col, s, dxMemory);
        });
      }
      NativeMemory.keep(workMemory, dxMemory);
    }
    NativeMemory.keep(gradientMemory, weightMemory); // the pointers are bare addresses
  }

  /**
   * dX with OpenBLAS on several threads, which splits a sample's product Wᵀ·dYₙ badly between them (64 × 288 × 196:
   * no faster than on one thread): one product a block instead, dcol = Wᵀ·[dYₙ …] [C·kh·kw, B·oh·ow] over the block's
   * B samples of dY gathered side by side, [F, B·oh·ow], by the cores; then each core reads its samples' columns out
   * of it, row by row. The same sums as sample by sample (each column of dcol is one of Wᵀ·dYₙ's, over the F filters),
   * which OpenBLAS may round otherwise for another shape.
   */
  private void inputGradientByBlocks(NativeMemory gradientMemory, NativeMemory weightMemory, NativeMemory workMemory,
      NativeMemory dxMemory) {
    int rows = g.columnRows();
    int positions = g.positions();
    int sample = filters * positions; // one sample of dy
    NativeMemory gatheredMemory = gathered(Math.min(batch, block), kept).memory("convolution");
    for (int first = 0; first < batch; first += block) {
      int samples = Math.min(block, batch - first);
      int start = first;
      int wide = samples * positions; // the row length of the gathered dY and of dcol
      WorkerPool.shared().split(samples, (long) samples * sample, (part, from, to) -> {
        Object gradient = heap(gradients, part, kept, sample);
        for (int s = start + from; s < start + to; s++) { //            dYₙ into its place among the block's
          HeapCopy.load(gradientMemory, (long) s * sample, gradient, sample);
          HeapCopy.storeRows(gradient, gatheredMemory, (long) (s - start) * positions, wide, filters, positions);
        }
      });
      BlasGemm.gemm(true, false, rows, wide, filters, 1, BlasGemm.cursor(weightMemory), rows,
          BlasGemm.cursor(gatheredMemory), wide, 0, BlasGemm.cursor(workMemory), wide); // dcol = Wᵀ·[dYₙ …]
      WorkerPool.shared().split(samples, (long) samples * column, (part, from, to) -> {
        Object col = heap(columns, part, kept, column);
        for (int s = start + from; s < start + to; s++) {
          HeapCopy.loadRows(workMemory, (long) (s - start) * positions, wide, col, rows, positions); // dcolₙ
          inputGradient(part, col, s, dxMemory);
        }
      });
    }
    NativeMemory.keep(gatheredMemory);
  }

  /** dxₙ = col⁻¹(dcolₙ) on part {@code part}'s heap image, stored as sample s of dx; col may be overwritten. */
  private void inputGradient(int part, Object col, int s, NativeMemory dxMemory) {
    Object im = heap(images, part, kept, image);
    HeapCopy.col2im(col, im, g, 0);
    HeapCopy.store(im, dxMemory, (long) s * image, image);
  }

  /** A sample's share of a pass: sample s, its column matrix at {@code at} of its buffer, in part {@code part}. */
  @FunctionalInterface
  private interface SampleStep {
    void run(int part, int s, long at);
  }

  /**
   * A sample's product: sample s, its column matrix at {@code at} of its buffer, through c, the calling part's own
   * cursors on the pass's operands (one {@link BlasGemm#cursor} each, made once a part, moved per sample).
   */
  @FunctionalInterface
  private interface SampleProduct {
    void run(Pointer[] c, int s, long at);
  }

  /**
   * Samples [0, n) block by block: each sample's Java work on the pool's cores, a block's samples shared out among
   * them, and its product before that work ({@code productFirst}) or after it. The products run between the parts,
   * on the calling thread, when OpenBLAS spreads each over several threads ({@link BlasGemm#turns}), else inside each
   * part beside its Java work. A sample's columns lie at s·column of their buffer when {@code bySample} (the training
   * pass's, kept for backward), else at its place in the block.
   */
  private void byBlocks(int n, boolean bySample, boolean productFirst, NativeMemory[] operands, SampleProduct product,
      SampleStep java) {
    boolean inParts = !BlasGemm.turns();
    Pointer[] own = inParts ? null : cursors(operands); // the calling thread's, for the products between the parts
    for (int first = 0; first < n; first += block) {
      int samples = Math.min(block, n - first);
      int start = first;
      LongUnaryOperator at = s -> (bySample ? s : s - start) * column;
      if (!inParts && productFirst) {
        for (int s = first; s < first + samples; s++) {
          product.run(own, s, at.applyAsLong(s));
        }
      }
      WorkerPool.shared().split(samples, (long) samples * column, (part, from, to) -> {
        Pointer[] c = inParts ? cursors(operands) : null;
        for (int s = start + from; s < start + to; s++) {
          if (inParts && productFirst) {
            product.run(c, s, at.applyAsLong(s));
          }
          java.run(part, s, at.applyAsLong(s));
          if (inParts && !productFirst) {
            product.run(c, s, at.applyAsLong(s));
          }
        }
      });
      if (!inParts && !productFirst) {
        for (int s = first; s < first + samples; s++) {
          product.run(own, s, at.applyAsLong(s));
        }
      }
    }
    NativeMemory.keep(operands); // the cursors are bare addresses
  }

  /** A {@link BlasGemm#cursor} on each of the memories, in their order. */
  private static Pointer[] cursors(NativeMemory[] memories) {
    Pointer[] c = new Pointer[memories.length];
    for (int i = 0; i < c.length; i++) {
      c[i] = BlasGemm.cursor(memories[i]);
    }
    return c;
  }

  /** Part {@code part}'s heap array in {@code arrays}, of t's type, at least {@code length} long. */
  private Object heap(Object[] arrays, int part, Nd4jTensor t, int length) {
    if (!HeapCopy.fits(arrays[part], t.dataType(), length)) {
      arrays[part] = HeapCopy.make(t.dataType(), length, arrays == columns
          ? "convolution: one image's column matrix on the heap, under a " + g.window() + ", C·kh·kw × oh·ow = "
              + g.columnRows() + " × " + g.positions()
          : arrays == images ? "convolution: one image on the heap" : "convolution: one output gradient on the heap");
    }
    return arrays[part];
  }

  /** {@code current} if it holds n samples' columns of {@code like}'s type, else a new native buffer that does. */
  private Nd4jTensor buffer(Nd4jTensor current, int n, Nd4jTensor like) {
    if (current != null && current.shape().dim(0) == n && current.dataType() == like.dataType()) {
      return current;
    }
    return make(n, column, like, "the column matrices");
  }

  /** {@link #work} if it holds at least n samples' columns of {@code like}'s type, else a new one that does. */
  private Nd4jTensor work(int n, Nd4jTensor like) {
    if (!holds(work, n, like)) {
      work = null; // the old buffer goes before the new one is made
      work = make(n, column, like, "the column matrices");
    }
    return work;
  }

  /** {@link #gathered} if it holds at least n samples of dy in {@code like}'s type, else a new one that does. */
  private Nd4jTensor gathered(int n, Nd4jTensor like) {
    if (!holds(gathered, n, like)) {
      gathered = null; // the old buffer goes before the new one is made
      gathered = make(n, filters * g.positions(), like, "a block of the output gradient");
    }
    return gathered;
  }

  /** Whether {@code buffer} holds at least n samples in {@code like}'s type. */
  private static boolean holds(Nd4jTensor buffer, int n, Nd4jTensor like) {
    return buffer != null && buffer.shape().dim(0) >= n && buffer.dataType() == like.dataType();
  }

  /** A new native buffer [n, length] in {@code like}'s type, for {@code what}. */
  private Nd4jTensor make(int n, int length, Nd4jTensor like, String what) {
    try {
      return (Nd4jTensor) engine.zeros(like.dataType(), Shape.of(n, length));
    } catch (IllegalStateException e) { // the memory would not hold it
      throw KernelArguments.convolutionMemory(g, what, n, e);
    }
  }

  private Nd4jTensor owned(Tensor t) {
    return KernelArguments.owned("convolution", t, engine, Nd4jTensor.class);
  }
}
