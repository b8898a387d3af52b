package org.delta4j.autodiff;

import java.util.List;
import java.util.Objects;
import org.delta4j.spec.ActivationFunction;
import org.delta4j.spec.Conv2D;
import org.delta4j.spec.FieldWriter;
import org.delta4j.spec.Initializer;
import org.delta4j.spec.LayerSpec;
import org.delta4j.spec.ParameterSpec;
import org.delta4j.spec.Pool2D;
import org.delta4j.tensor.Shape;

/**
 * The built-in dense layer, activations, convolution, pooling and softmax cross-entropy written forward-only, for the
 * tape to be held to their hand-written backward passes (the conformance suite) and measured against them (the
 * benchmarks). They declare the parameters the built-in kinds do, in the same order, so a network of them starts from
 * the same weights. They are not registered: build them into a {@link org.delta4j.nn.Network} directly.
 */
public final class TapeKinds {
  private TapeKinds() {}

  /** Y = X·W + b, as {@link LayerSpec.Dense}. */
  public record TapeDense(String name, int units) implements ExpressionLayerSpec {
    @Override
    public Value forward(Value x, Scope s) {
      return x.flatten().matmul(s.parameter("weight")).add(s.parameter("bias"));
    }

    @Override
    public List<ParameterSpec> parameters(Shape input) {
      return new LayerSpec.Dense(null, units, Initializer.xavierUniform(), Initializer.zeros()).parameters(input);
    }

    @Override
    public String type() {
      return "autodiff_dense";
    }

    @Override
    public TapeDense withName(String name) {
      return new TapeDense(name, units);
    }

    @Override
    public Shape outputShape(Shape input) {
      return Shape.of(units);
    }

    @Override
    public void writeFields(FieldWriter out) {
      out.put("units", units);
    }
  }

  /** An activation function, as {@link LayerSpec.Activation}; softmax over the last axis of a matrix. */
  public record TapeActivation(String name, ActivationFunction function, double alpha) implements ExpressionLayerSpec {
    public TapeActivation(ActivationFunction function) {
      this(null, function, Objects.requireNonNull(function, "activation function is null").defaultAlpha());
    }

    @Override
    public Value forward(Value x, Scope s) {
      return switch (function) {
        case IDENTITY -> x;
        case RELU -> x.relu();
        case LEAKY_RELU -> x.leakyRelu(alpha);
        case SIGMOID -> x.sigmoid();
        case TANH -> x.tanh();
        case SOFTMAX -> {
          Value e = x.subtract(x.max(1).detach()).exp();
          yield e.divide(e.sum(1));
        }
      };
    }

    @Override
    public String type() {
      return "autodiff_" + function.label();
    }

    @Override
    public TapeActivation withName(String name) {
      return new TapeActivation(name, function, alpha);
    }

    @Override
    public Shape outputShape(Shape input) {
      return input;
    }

    @Override
    public void writeFields(FieldWriter out) {
      out.put("alpha", alpha);
    }
  }

  /** A 2-D convolution and its bias, as the built-in {@link Conv2D} it is given (whose parameters it declares). */
  public record TapeConv2D(String name, Conv2D conv) implements ExpressionLayerSpec {
    @Override
    public Value forward(Value x, Scope s) {
      Value y = x.conv2d(s.parameter("weight"), conv.window());
      return conv.useBias() ? y.addPerChannel(s.parameter("bias")) : y;
    }

    @Override
    public List<ParameterSpec> parameters(Shape input) {
      return conv.parameters(input);
    }

    @Override
    public String type() {
      return "autodiff_conv2d";
    }

    @Override
    public TapeConv2D withName(String name) {
      return new TapeConv2D(name, conv);
    }

    @Override
    public Shape outputShape(Shape input) {
      return conv.outputShape(input);
    }

    @Override
    public void writeFields(FieldWriter out) {
      conv.writeFields(out);
    }
  }

  /** Max or average pooling, as the built-in {@link Pool2D} it is given. */
  public record TapePool2D(String name, Pool2D pool) implements ExpressionLayerSpec {
    @Override
    public Value forward(Value x, Scope s) {
      return pool.kind() == Pool2D.Kind.MAX ? x.maxPool(pool.window()) : x.avgPool(pool.window());
    }

    @Override
    public String type() {
      return "autodiff_" + pool.type();
    }

    @Override
    public TapePool2D withName(String name) {
      return new TapePool2D(name, pool);
    }

    @Override
    public Shape outputShape(Shape input) {
      return pool.outputShape(input);
    }

    @Override
    public void writeFields(FieldWriter out) {
      pool.writeFields(out);
    }
  }

  /** −Σ t·log softmax(z) / N, as {@link org.delta4j.spec.LossFunction#SOFTMAX_CROSS_ENTROPY}. */
  public record TapeSoftmaxCrossEntropy() implements ExpressionLossSpec {
    @Override
    public Value loss(Value z, Value t) {
      Value shifted = z.subtract(z.max(1).detach()); //      z − max z: every exponent ≤ 0
      Value logSoftmax = shifted.subtract(shifted.exp().sum(1).log());
      return t.multiply(logSoftmax).sum().multiply(-1.0 / z.shape().dim(0));
    }

    @Override
    public String type() {
      return "autodiff_softmax_cross_entropy";
    }

    @Override
    public boolean takesLogits() {
      return true;
    }
  }
}
