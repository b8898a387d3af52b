package org.delta4j.engine;

import org.delta4j.nn.BatchTensors;
import org.delta4j.nn.layers.ReshapedView;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;

/**
 * The {@link Convolution} in the im2col form over a whole batch, from the kernels' primitives: col(X)
 * [C·kh·kw, N·oh·ow] by {@link Kernels#im2col}, Z = W·col(X) [F, N·oh·ow] by one matrix product, put in NCHW order by
 * {@link Kernels#swapLeadingAxes}; backward dY in [F, N·oh·ow] order, dW = β·dW + dY·col(X)ᵀ and
 * dX = col⁻¹(Wᵀ·dY) ({@link Kernels#col2im}), col(X) kept from the training forward pass. The default of {@link
 * Kernels#convolution}. Work tensors are made on the first pass and kept per batch size, so steady-state passes
 * allocate nothing; one the memory cannot hold is refused naming the window
 * ({@link KernelArguments#convolutionMemory}). Not thread-safe.
 */
public final class ColumnConvolution implements Convolution {
  private final Kernels kernels;
  private final ConvGeometry g;
  private final int filters;
  private BatchTensors columns; // col(X), [C·kh·kw, N·oh·ow]
  private BatchTensors products; // W·col(X) as [F, N·oh·ow]; in backward dY in that order
  private BatchTensors gradientColumns; // Wᵀ·dY, [C·kh·kw, N·oh·ow]
  // The views taken in every pass: the column matrices, the product as a matrix and as [F, N, P], images as [N, F, P]
  private final ReshapedView columnMatrix = new ReshapedView();
  private final ReshapedView gradientMatrix = new ReshapedView();
  private final ReshapedView productMatrix = new ReshapedView();
  private final ReshapedView productByFilter = new ReshapedView();
  private final ReshapedView imageBySample = new ReshapedView();
  private Tensor column; // col(X) of the last training pass
  private int batch;

  /** For images of {@code geometry} and {@code filters} kernels, on {@code kernels}. */
  public ColumnConvolution(Kernels kernels, ConvGeometry geometry, int filters) {
    KernelArguments.convolution(geometry, filters);
    this.kernels = kernels;
    this.g = geometry;
    this.filters = filters;
  }

  @Override
  public void forward(Tensor x, Tensor weights, Tensor y, boolean training) {
    int n = KernelArguments.convolutionForward(g, filters, x, weights, y);
    if (columns == null) {
      Shape sample = Shape.of(g.columnRows() * g.positions());
      columns = new BatchTensors(x.engine(), x.dataType(), sample);
      gradientColumns = new BatchTensors(x.engine(), x.dataType(), sample);
      products = new BatchTensors(x.engine(), x.dataType(), Shape.of(filters * g.positions()));
    }
    int positions = n * g.positions();
    Tensor col = columnMatrix.of(work(columns, n, "the column matrices"), g.columnRows(), positions);
    kernels.im2col(x, g, col);
    Tensor z = productMatrix.of(work(products, n, "the products"), filters, positions);
    kernels.gemm(weights, false, col, false, 1, 0, z); //          Z = W·col(X), [F, N·P]
    kernels.swapLeadingAxes(productByFilter.of(z, filters, n, g.positions()),
        imageBySample.of(y, n, filters, g.positions())); //          Y = Z in NCHW order
    if (training) {
      column = col;
      batch = n;
    }
  }

  @Override
  public void backward(Tensor dy, Tensor weights, double beta, Tensor dw, Tensor dx) {
    if (column == null) {
      throw new IllegalStateException("convolution: backward called without a forward pass in training mode before it");
    }
    KernelArguments.convolutionBackward(g, filters, batch, column, dy, weights, dw, dx);
    int positions = batch * g.positions();
    Tensor dz = productMatrix.of(work(products, batch, "the products"), filters, positions);
    kernels.swapLeadingAxes(imageBySample.of(dy, batch, filters, g.positions()),
        productByFilter.of(dz, filters, batch, g.positions())); //   dY as [F, N·P]
    if (dw != null) {
      kernels.gemm(dz, false, column, true, 1, beta, dw); //          dW ← β·dW + dY·col(X)ᵀ
    }
    if (dx != null) {
      Tensor dcol = gradientMatrix.of(work(gradientColumns, batch, "the column gradients"), g.columnRows(), positions);
      kernels.gemm(weights, true, dz, false, 1, 0, dcol); //          Wᵀ·dY
      kernels.col2im(dcol, g, dx); //                                 dX = col⁻¹(Wᵀ·dY)
    }
  }

  /** {@code tensors}' tensor for n images; one the memory cannot hold is refused naming the window. */
  private Tensor work(BatchTensors tensors, int n, String what) {
    try {
      return tensors.get(n);
    } catch (IllegalStateException e) { // the memory would not hold it
      throw KernelArguments.convolutionMemory(g, what, n, e);
    }
  }
}
