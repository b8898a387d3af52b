package org.delta4j.engine.nd4j;

import org.bytedeco.javacpp.Pointer;
import org.delta4j.engine.ConvGeometry;
import org.delta4j.engine.Convolution;
import org.delta4j.engine.KernelArguments;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The engine's {@link Convolution} for a geometry ND4J's window ops express, in the order ND4J's im2col writes:
 * cols [N, C, kh, kw, oh, ow] is, for each sample n, the column matrix col(xₙ) [C·kh·kw, oh·ow], and yₙ [F, oh·ow] is
 * sample n of y in NCHW order. So forward is ND4J's im2col over the batch, then yₙ = W·col(xₙ) per sample, one BLAS
 * call each on the buffers' native memory ({@link BlasGemm}) written straight into y; backward dW = β·dW +
 * Σₙ dYₙ·col(xₙ)ᵀ (accumulated sample by sample in BLAS) and dcolₙ = Wᵀ·dYₙ, then ND4J's col2im over the batch. Unlike
 * the whole-batch product of {@link org.delta4j.engine.ColumnConvolution}, no pass puts the columns or the products in
 * another order (for 32 channels of 14×14 at batch 128 those strided copies moved 29 MB each, twice a step). The
 * training pass's columns are kept for backward; an inference pass and backward's Wᵀ·dY share a second buffer, so an
 * inference pass between a training pass and its backward leaves what backward reads. Buffers are made per batch size
 * on first need, so steady-state passes allocate no arrays. Not thread-safe: one per layer.
 */
final class Nd4jConvolution implements Convolution {
  private final Nd4jEngine engine;
  private final ConvGeometry g;
  private final int filters;
  private final int[] im2colArguments; // kh, kw, sh, sw, ph, pw, dh, dw, same mode (Nd4jKernels.windowArguments)
  private final int[] col2imArguments; // sh, sw, ph, pw, H, W, dh, dw, same mode
  private Nd4jTensor kept; // col(X) of the last training pass, [N, C, kh, kw, oh, ow]
  private Nd4jTensor work; // col(X) of an inference pass; Wᵀ·dY in backward
  private int batch;

  /** For {@code geometry}, whose ND4J window arguments are {@code windowArguments}, and {@code filters} kernels. */
  Nd4jConvolution(Nd4jEngine engine, ConvGeometry geometry, int filters, int[] windowArguments) {
    this.engine = engine;
    this.g = geometry;
    this.filters = filters;
    this.im2colArguments = windowArguments.clone();
    int[] a = windowArguments;
    this.col2imArguments = new int[] {a[2], a[3], a[4], a[5], geometry.height(), geometry.width(), a[6], a[7], a[8]};
  }

  @Override
  public void forward(Tensor x, Tensor weights, Tensor y, boolean training) {
    int n = g.checkImages("convolution", "x", x);
    g.checkOutputs("convolution", "y", y, filters);
    checkMatrix("weights", weights);
    sameType(x, weights, y);
    Nd4jTensor in = owned(x);
    Nd4jTensor cols = training ? (kept = columns(kept, n, in)) : (work = columns(work, n, in));
    Nd4jKernels.exec("im2col", im2colArguments, new INDArray[] {in.array}, cols.array);
    int rows = g.columnRows();
    int positions = g.positions();
    Pointer w = BlasGemm.cursor(owned(weights).memory("convolution"));
    Pointer col = BlasGemm.cursor(cols.memory("convolution"));
    Pointer out = BlasGemm.cursor(owned(y).memory("convolution"));
    for (int s = 0; s < n; s++) { //                                      yₙ = W·col(xₙ)
      BlasGemm.gemm(false, false, filters, positions, rows, 1, w, rows, col.position((long) s * rows * positions),
          positions, 0, out.position((long) s * filters * positions), positions);
    }
    if (training) {
      batch = n;
    }
  }

  @Override
  public void backward(Tensor dy, Tensor weights, double beta, Tensor dw, Tensor dx) {
    if (kept == null) {
      throw new IllegalStateException("convolution: backward called without a forward pass in training mode before it");
    }
    sameBatch("dy", dy, g.checkOutputs("convolution", "dy", dy, filters));
    checkMatrix("weights", weights);
    sameType(kept, dy, weights);
    if (dw != null) {
      checkMatrix("dw", dw);
      sameType(kept, dw);
    }
    if (dx != null) {
      sameBatch("dx", dx, g.checkImages("convolution", "dx", dx));
      sameType(kept, dx);
    }
    int rows = g.columnRows();
    int positions = g.positions();
    Pointer gradient = BlasGemm.cursor(owned(dy).memory("convolution"));
    long sample = (long) filters * positions; // one sample of dy
    long column = (long) rows * positions; //  one sample's column matrix
    if (dw != null) {
      Pointer col = BlasGemm.cursor(kept.memory("convolution"));
      Pointer out = owned(dw).memory("convolution").pointer; // position 0 throughout: not moved
      for (int s = 0; s < batch; s++) { //                                dW ← β·dW + Σₙ dYₙ·col(xₙ)ᵀ
        BlasGemm.gemm(false, true, filters, rows, positions, 1, gradient.position(s * sample), positions,
            col.position(s * column), positions, s == 0 ? beta : 1, out, rows);
      }
    }
    if (dx != null) {
      work = columns(work, batch, kept);
      Pointer w = owned(weights).memory("convolution").pointer;
      Pointer col = BlasGemm.cursor(work.memory("convolution"));
      for (int s = 0; s < batch; s++) { //                                dcolₙ = Wᵀ·dYₙ
        BlasGemm.gemm(true, false, rows, positions, filters, 1, w, rows, gradient.position(s * sample), positions, 0,
            col.position(s * column), positions);
      }
      INDArray image = owned(dx).array;
      image.assign(0); // col2im adds into its output
      Nd4jKernels.exec("col2im", col2imArguments, new INDArray[] {work.array}, image); // dX = col⁻¹(Wᵀ·dY)
    }
  }

  /** {@code current} if it holds n samples' columns of {@code like}'s type, else a new buffer that does. */
  private Nd4jTensor columns(Nd4jTensor current, int n, Nd4jTensor like) {
    if (current != null && current.shape().dim(0) == n && current.dataType() == like.dataType()) {
      return current;
    }
    Shape shape = Shape.of(n, g.channels(), g.kernelHeight(), g.kernelWidth(), g.outputHeight(), g.outputWidth());
    return (Nd4jTensor) engine.zeros(like.dataType(), shape);
  }

  private void checkMatrix(String what, Tensor t) {
    if (!t.shape().isMatrix(filters, g.columnRows())) {
      throw new IllegalArgumentException("convolution: " + what + " is " + t.shape() + " but must be [" + filters
          + ", " + g.columnRows() + "]");
    }
  }

  /** A backward operand must hold as many images as the training pass it follows. */
  private void sameBatch(String what, Tensor t, int images) {
    if (images != batch) {
      throw new IllegalArgumentException("convolution: " + what + " is " + t.shape() + " but the forward pass had "
          + batch + " images");
    }
  }

  /** BLAS multiplies operands of one type: the first tensor's, which every other must share. */
  private static void sameType(Tensor... tensors) {
    for (Tensor t : tensors) {
      if (t.dataType() != tensors[0].dataType()) {
        throw new IllegalArgumentException("convolution: tensors must share one data type, got "
            + tensors[0].dataType() + " and " + t.dataType() + " (" + t.shape() + ")");
      }
    }
  }

  private Nd4jTensor owned(Tensor t) {
    return KernelArguments.owned("convolution", t, engine, Nd4jTensor.class);
  }
}
