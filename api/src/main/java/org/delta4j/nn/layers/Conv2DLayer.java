package org.delta4j.nn.layers;

import java.util.List;
import org.delta4j.engine.ConvGeometry;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Kernels;
import org.delta4j.nn.BatchTensors;
import org.delta4j.nn.Layer;
import org.delta4j.nn.Mode;
import org.delta4j.nn.Parameter;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;

/**
 * 2-D convolution in the im2col form: for a batch X [N, C, H, W], col(X) [C·kh·kw, N·oh·ow] holds under each output
 * position the input values its kernel taps read ({@link Kernels#im2col}), so with W [F, C, kh, kw] seen as
 * [F, C·kh·kw] the layer is one matrix product Y = W·col(X) (+ b per filter), of shape [F, N·oh·ow], then put in
 * NCHW order [N, F, oh, ow]. The backward pass is the product rule through it: dW = dY·col(X)ᵀ, db = Σ dY over
 * samples and positions, dX = col⁻¹(Wᵀ·dY), col⁻¹ being im2col's adjoint ({@link Kernels#col2im}). Not thread-safe.
 */
public final class Conv2DLayer implements Layer {
  private final String name;
  private final ConvGeometry g;
  private final int filters;
  private final Shape inputShape;
  private final Shape outputShape;
  private final Kernels kernels;
  private final Parameter weight;
  private final Parameter bias;
  private final Tensor weightMatrix; // W as [F, C·kh·kw], sharing the parameter's storage
  private final Tensor weightGradientMatrix;
  private final BatchTensors columns; // col(X), [C·kh·kw, N·oh·ow]; in backward reused for Wᵀ·dY
  private final BatchTensors products; // W·col(X) as [F, N·oh·ow]; in backward dY in that order
  private final BatchTensors outputs;
  private final BatchTensors inputGradients;
  // The views taken in every pass: col(X) and W·col(X) as matrices, the product and the output as [F, N, P], [N, F, P]
  private final ReshapedView columnMatrix = new ReshapedView();
  private final ReshapedView productMatrix = new ReshapedView();
  private final ReshapedView productByFilter = new ReshapedView();
  private final ReshapedView imageBySample = new ReshapedView();
  private Tensor column; // col(X) of the last training pass
  private int batch;

  /**
   * A layer over the given weight [F, C, kh, kw] and bias [F] (null: none), on images of the geometry's shape.
   */
  public Conv2DLayer(String name, ConvGeometry geometry, int filters, Parameter weight, Parameter bias,
      Engine engine, DataType dataType) {
    this.name = name;
    this.g = geometry;
    this.filters = filters;
    this.inputShape = geometry.image();
    this.outputShape = Shape.of(filters, geometry.outputHeight(), geometry.outputWidth());
    this.kernels = engine.kernels();
    this.weight = weight;
    this.bias = bias;
    Shape matrix = Shape.of(filters, geometry.columnRows());
    this.weightMatrix = weight.value().reshape(matrix);
    this.weightGradientMatrix = weight.gradient().reshape(matrix);
    this.columns = new BatchTensors(engine, dataType, Shape.of(geometry.columnRows() * geometry.positions()));
    this.products = new BatchTensors(engine, dataType, outputShape);
    this.outputs = new BatchTensors(engine, dataType, outputShape);
    this.inputGradients = new BatchTensors(engine, dataType, inputShape);
  }

  @Override
  public Tensor forward(Tensor x, Mode mode) {
    LayerInputs.checkBatch(name, "input", x, inputShape, false);
    int n = x.shape().dim(0);
    int positions = n * g.positions();
    Tensor col = columnMatrix.of(columns.get(n), g.columnRows(), positions);
    kernels.im2col(x, g, col);
    Tensor z = productMatrix.of(products.get(n), filters, positions);
    kernels.gemm(weightMatrix, false, col, false, 1, 0, z); //          Z = W·col(X), [F, N·P]
    Tensor y = outputs.get(n);
    kernels.swapLeadingAxes(productByFilter.of(z, filters, n, g.positions()),
        imageBySample.of(y, n, filters, g.positions())); //           Y = Z in NCHW order
    if (bias != null) {
      kernels.channelAffine(y, null, bias.value(), y); //              + b[f]
    }
    if (mode.training()) {
      column = col;
      batch = n;
    }
    return y;
  }

  @Override
  public Tensor backward(Tensor dy, boolean needInputGradient) {
    LayerInputs.checkForwardDone(name, column);
    LayerInputs.checkSameBatchShape(name, "output gradient", dy, outputShape, batch);
    int positions = batch * g.positions();
    Tensor dz = productMatrix.of(products.get(batch), filters, positions);
    kernels.swapLeadingAxes(imageBySample.of(dy, batch, filters, g.positions()),
        productByFilter.of(dz, filters, batch, g.positions())); //       dY as [F, N·P]
    kernels.gemm(dz, false, column, true, 1, 1, weightGradientMatrix); // dW += dY·col(X)ᵀ
    if (bias != null) {
      kernels.channelSums(dy, null, 1, bias.gradient()); //               db += Σ_{n,y,x} dY
    }
    if (!needInputGradient) {
      return null;
    }
    kernels.gemm(weightMatrix, true, dz, false, 1, 0, column); //          Wᵀ·dY, into col(X)'s buffer
    Tensor dx = inputGradients.get(batch);
    kernels.col2im(column, g, dx); //                                      dX = col⁻¹(Wᵀ·dY)
    column = null; // its buffer now holds Wᵀ·dY: a second backward needs a new forward pass
    return dx;
  }

  @Override
  public List<Parameter> parameters() {
    return bias == null ? List.of(weight) : List.of(weight, bias);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Shape inputShape() {
    return inputShape;
  }

  @Override
  public Shape outputShape() {
    return outputShape;
  }

  /** Where the kernels read. */
  public ConvGeometry geometry() {
    return g;
  }
}
