package org.delta4j.engine.nd4j;

import org.bytedeco.javacpp.Pointer;
import org.delta4j.engine.ConvGeometry;
import org.delta4j.engine.Convolution;
import org.delta4j.engine.ImageLoops;
import org.delta4j.engine.KernelArguments;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;

/**
 * The engine's {@link Convolution}, one sample at a time so that a sample's column matrix stays in cache between its
 * making and its product: x is copied once to the heap, then per sample n col(xₙ) [C·kh·kw, oh·ow] is made by the
 * portable {@link ImageLoops#im2col} (n = 1: exactly that sample's column matrix), copied to native memory in one
 * block, and yₙ [F, oh·ow] = W·col(xₙ) is one BLAS call ({@link BlasGemm}) written straight into y, which is sample n
 * of y in NCHW order. Backward: dW = β·dW + Σₙ dYₙ·col(xₙ)ᵀ, accumulated sample by sample in BLAS from the columns the
 * training pass kept, [N, C·kh·kw·oh·ow]; per sample, dcolₙ = Wᵀ·dYₙ, copied to the heap and added into dx's heap copy
 * by {@link ImageLoops#col2im}, and dx copied back once. Against ND4J's im2col and col2im over the batch this reads
 * and writes a sample's columns in cache (for 32 channels of 14×14 at batch 128, the batch's are 29 MB), and it
 * needs no strided copy into another order (the whole-batch product [F, N·oh·ow] of
 * {@link org.delta4j.engine.ColumnConvolution} does). An inference pass uses a one-sample native buffer, so one
 * between a training pass and its backward leaves what backward reads. Buffers are made per batch size and type on
 * first need; steady-state passes allocate no arrays. Not thread-safe: one per layer.
 */
final class Nd4jConvolution implements Convolution {
  private final Nd4jEngine engine;
  private final ConvGeometry g;
  private final int filters;
  private final int column; // the elements of one sample's column matrix, C·kh·kw·oh·ow
  private Nd4jTensor kept; // col(X) of the last training pass, [N, C·kh·kw·oh·ow]
  private Nd4jTensor work; // one sample's columns: of an inference pass, or Wᵀ·dYₙ in backward
  private Object images; // float[] or double[]: x, or dx, on the heap
  private Object columns; // float[] or double[]: one sample's column matrix on the heap
  private int batch;

  /** For images of {@code geometry} and {@code filters} kernels. */
  Nd4jConvolution(Nd4jEngine engine, ConvGeometry geometry, int filters) {
    KernelArguments.convolution(geometry, filters);
    this.engine = engine;
    this.g = geometry;
    this.filters = filters;
    this.column = geometry.columnRows() * geometry.positions();
  }

  @Override
  public void forward(Tensor x, Tensor weights, Tensor y, boolean training) {
    int n = KernelArguments.convolutionForward(g, filters, x, weights, y);
    Nd4jTensor in = owned(x);
    Object col = columns(in); // the heap's before the native memory's: a column matrix too large for it takes neither
    Nd4jTensor cols = training ? (kept = buffer(kept, n, in)) : (work = buffer(work, 1, in));
    Object image = heap(in, (int) x.size());
    HeapCopy.load(in.memory("convolution"), 0, image, (int) x.size());
    NativeMemory colMemory = cols.memory("convolution");
    int rows = g.columnRows();
    int positions = g.positions();
    NativeMemory weightMemory = owned(weights).memory("convolution");
    NativeMemory outMemory = owned(y).memory("convolution");
    Pointer w = BlasGemm.cursor(weightMemory);
    Pointer c = BlasGemm.cursor(colMemory);
    Pointer out = BlasGemm.cursor(outMemory);
    for (int s = 0; s < n; s++) {
      long at = training ? (long) s * column : 0;
      HeapCopy.im2col(image, col, g, s); //                              col(xₙ), on the heap
      HeapCopy.store(col, colMemory, at, column); //                     to native memory, still in cache
      BlasGemm.gemm(false, false, filters, positions, rows, 1, w, rows, c.position(at), positions, 0,
          out.position((long) s * filters * positions), positions); //     yₙ = W·col(xₙ)
    }
    NativeMemory.keep(weightMemory, colMemory, outMemory); // the pointers are bare addresses
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
      work = buffer(work, 1, kept);
      NativeMemory workMemory = work.memory("convolution");
      Pointer w = weightMemory.pointer;
      Object col = columns(kept);
      Object image = heap(kept, (int) dx.size());
      for (int s = 0; s < batch; s++) {
        BlasGemm.gemm(true, false, rows, positions, filters, 1, w, rows, gradient.position(s * sample), positions, 0,
            workMemory.pointer, positions); //                           dcolₙ = Wᵀ·dYₙ
        HeapCopy.load(workMemory, 0, col, column);
        HeapCopy.col2im(col, image, g, s); //                            dxₙ = col⁻¹(dcolₙ), on the heap
      }
      HeapCopy.store(image, owned(dx).memory("convolution"), 0, (int) dx.size());
    }
    NativeMemory.keep(gradientMemory, weightMemory); // the pointers are bare addresses
  }

  /** The heap array for x or dx, of t's type, at least {@code length} long. */
  private Object heap(Nd4jTensor t, int length) {
    if (!HeapCopy.fits(images, t.dataType(), length)) {
      images = HeapCopy.make(t.dataType(), length, "convolution: the batch's images on the heap");
    }
    return images;
  }

  /** The heap array for one sample's column matrix, of t's type. */
  private Object columns(Nd4jTensor t) {
    if (!HeapCopy.fits(columns, t.dataType(), column)) {
      columns = HeapCopy.make(t.dataType(), column, "convolution: one image's column matrix on the heap, under a "
          + g.window() + ", C·kh·kw × oh·ow = " + g.columnRows() + " × " + g.positions());
    }
    return columns;
  }

  /** {@code current} if it holds n samples' columns of {@code like}'s type, else a new native buffer that does. */
  private Nd4jTensor buffer(Nd4jTensor current, int n, Nd4jTensor like) {
    if (current != null && current.shape().dim(0) == n && current.dataType() == like.dataType()) {
      return current;
    }
    try {
      return (Nd4jTensor) engine.zeros(like.dataType(), Shape.of(n, column));
    } catch (IllegalStateException e) { // the memory would not hold it
      throw KernelArguments.convolutionMemory(g, "the column matrices", n, e);
    }
  }

  private Nd4jTensor owned(Tensor t) {
    return KernelArguments.owned("convolution", t, engine, Nd4jTensor.class);
  }
}
