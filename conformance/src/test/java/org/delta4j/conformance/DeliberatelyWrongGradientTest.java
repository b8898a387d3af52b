package org.delta4j.conformance;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.delta4j.engine.Engine;
import org.delta4j.engine.Kernels;
import org.delta4j.engine.ref.RefEngine;
import org.delta4j.nn.Loss;
import org.delta4j.nn.layers.ActivationLayer;
import org.delta4j.nn.layers.DenseLayer;
import org.delta4j.spec.ActivationFunction;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.LossSpec;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The suite catches a wrong gradient: an engine whose sigmoid derivative is off by 1 %, or whose dW misses the last
 * row of the batch, fails the layer comparison in both data types, with a message naming the tensor; a loss kind
 * whose gradient is off by 1 % fails its gradient check.
 */
class DeliberatelyWrongGradientTest {
  private final Engine reference = new RefEngine();

  /**
   * The reference engine with one kernel altered: its primitives, the fused operations from the defaults over them
   * ({@link DefaultsOver}), and one method overridden wrong. Its tensors are the reference engine's own.
   */
  private static final class SkewedEngine implements Engine {
    private final RefEngine base = new RefEngine();
    private final Kernels kernels;

    SkewedEngine(java.util.function.Function<Kernels, Kernels> skew) {
      this.kernels = skew.apply(base.kernels());
    }

    @Override
    public String name() {
      return "skewed";
    }

    @Override
    public String description() {
      return "the reference engine with a wrong gradient";
    }

    @Override
    public Tensor zeros(DataType dataType, Shape shape) {
      return base.zeros(dataType, shape);
    }

    @Override
    public Kernels kernels() {
      return kernels;
    }
  }

  /** Mean squared error whose gradient is 1 % too large: a loss kind an engine runs alike everywhere, wrongly. */
  record SkewedMse() implements LossSpec {
    @Override
    public String type() {
      return "skewed_mse";
    }

    @Override
    public Loss build(Engine engine, DataType dataType) {
      Loss mse = LossFunction.MEAN_SQUARED_ERROR.build(engine, dataType);
      return new Loss() {
        @Override
        public LossSpec spec() {
          return SkewedMse.this;
        }

        @Override
        public double compute(Tensor predictions, Tensor targets, Tensor gradient) {
          double value = mse.compute(predictions, targets, gradient);
          if (gradient != null) {
            engine.kernels().scale(gradient, 1.01);
          }
          return value;
        }
      };
    }
  }

  @Test
  void aLossKindsGradientOffByOnePercentFailsItsGradientCheck() {
    EngineConformance suite = new RefConformanceTest();
    suite.everyRegisteredLossKindPassesTheGradientCheck("mean_squared_error", LossFunction.MEAN_SQUARED_ERROR);
    AssertionError e = assertThrows(AssertionError.class,
        () -> suite.everyRegisteredLossKindPassesTheGradientCheck("skewed_mse", new SkewedMse()));
    assertTrue(e.getMessage().startsWith("skewed_mse: "), e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(DataType.class)
  void aSigmoidDerivativeOffByOnePercentFails(DataType type) {
    Engine skewed = new SkewedEngine(k -> new DefaultsOver(k) {
      @Override
      public void activationBackward(ActivationFunction f, double a, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        super.activationBackward(f, a, x, y, dy, dx);
        if (f == ActivationFunction.SIGMOID) {
          scale(dx, 1.01);
        }
      }
    });
    AssertionError e = assertThrows(AssertionError.class, () -> LayerAgreement.check("sigmoid", reference, skewed,
        type, (en, t) -> new ActivationLayer("sigmoid", ActivationFunction.SIGMOID, 0, Shape.of(9), en, t),
        Shape.of(4, 9)));
    assertTrue(e.getMessage().contains("sigmoid input gradient"), e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(DataType.class)
  void aWeightGradientMissingTheLastSampleFails(DataType type) {
    Engine skewed = new SkewedEngine(k -> new DefaultsOver(k) {
      @Override
      public void gemm(Tensor a, boolean ta, Tensor b, boolean tb, double alpha, double beta, Tensor c) {
        if (ta && !tb && a.shape().dim(0) > 1) { // dW = Xᵀ·dY over all but the last row of the batch
          int rows = a.shape().dim(0) - 1;
          double[] x = java.util.Arrays.copyOf(a.toDoubleArray(), rows * a.shape().dim(1));
          double[] g = java.util.Arrays.copyOf(b.toDoubleArray(), rows * b.shape().dim(1));
          Engine e = a.engine();
          super.gemm(e.tensor(a.dataType(), Shape.of(rows, a.shape().dim(1)), x), true,
              e.tensor(b.dataType(), Shape.of(rows, b.shape().dim(1)), g), false, alpha, beta, c);
        } else {
          super.gemm(a, ta, b, tb, alpha, beta, c);
        }
      }
    });
    AssertionError e = assertThrows(AssertionError.class, () -> LayerAgreement.check("dense", reference, skewed,
        type, (en, t) -> new DenseLayer("dense", Shape.of(7), 5, en, t), Shape.of(6, 7)));
    assertTrue(e.getMessage().contains("gradient of dense.weight"), e.getMessage());
  }
}
