package org.delta4j.nn.layers;

import java.util.List;
import org.delta4j.engine.ConvGeometry;
import org.delta4j.engine.Convolution;
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
 * [F, C·kh·kw] the layer is the matrix product Y = W·col(X) (+ b per filter), of shape [F, N·oh·ow], in NCHW order
 * [N, F, oh, ow]. The backward pass is the product rule through it: dW = dY·col(X)ᵀ, db = Σ dY over samples and
 * positions, dX = col⁻¹(Wᵀ·dY), col⁻¹ being im2col's adjoint ({@link Kernels#col2im}). The engine's {@link
 * Convolution} does the products. Not thread-safe.
 */
public final class Conv2DLayer implements Layer {
  private final String name;
  private final ConvGeometry g;
  private final Shape inputShape;
  private final Shape outputShape;
  private final Kernels kernels;
  private final Parameter weight;
  private final Parameter bias;
  private final Tensor weightMatrix; // W as [F, C·kh·kw], sharing the parameter's storage
  private final Tensor weightGradientMatrix;
  private final Convolution convolution;
  private final BatchTensors outputs;
  private final BatchTensors inputGradients;
  private Tensor input; // X of the last training pass, which backward reads
  private int batch;

  /**
   * A layer over the given weight [F, C, kh, kw] and bias [F] (null: none), on images of the geometry's shape.
   */
  public Conv2DLayer(String name, ConvGeometry geometry, int filters, Parameter weight, Parameter bias,
      Engine engine, DataType dataType) {
    this.name = name;
    this.g = geometry;
    this.inputShape = geometry.image();
    this.outputShape = Shape.of(filters, geometry.outputHeight(), geometry.outputWidth());
    this.kernels = engine.kernels();
    this.weight = weight;
    this.bias = bias;
    Shape matrix = Shape.of(filters, geometry.columnRows());
    this.weightMatrix = weight.value().reshape(matrix);
    this.weightGradientMatrix = weight.gradient().reshape(matrix);
    this.convolution = kernels.convolution(geometry, filters);
    this.outputs = new BatchTensors(engine, dataType, outputShape);
    this.inputGradients = new BatchTensors(engine, dataType, inputShape);
  }

  @Override
  public Tensor forward(Tensor x, Mode mode) {
    LayerInputs.checkMode(name, mode);
    LayerInputs.checkBatch(name, "input", x, inputShape, false);
    int n = x.shape().dim(0);
    Tensor y = outputs.get(n);
    convolution.forward(x, weightMatrix, y, mode.training()); //       Y = W·col(X) in NCHW order
    if (bias != null) {
      kernels.channelAffine(y, null, bias.value(), y); //              + b[f]
    }
    if (mode.training()) {
      input = x;
      batch = n;
    }
    return y;
  }

  @Override
  public Tensor backward(Tensor dy, boolean needInputGradient) {
    LayerInputs.checkForwardDone(name, input);
    LayerInputs.checkSameBatchShape(name, "output gradient", dy, outputShape, batch);
    LayerInputs.checkLikeForward(name, dy, input);
    if (bias != null) {
      kernels.channelSums(dy, null, 1, bias.gradient()); //               db += Σ_{n,y,x} dY
    }
    Tensor dx = needInputGradient ? inputGradients.get(batch) : null;
    convolution.backward(dy, weightMatrix, 1, weightGradientMatrix, dx); // dW += dY·col(X)ᵀ, dX = col⁻¹(Wᵀ·dY)
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
