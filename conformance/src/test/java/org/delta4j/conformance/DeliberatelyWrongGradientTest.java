package org.delta4j.conformance;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.delta4j.engine.BinaryOp;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Kernels;
import org.delta4j.engine.ReduceOp;
import org.delta4j.engine.UnaryOp;
import org.delta4j.engine.Window;
import org.delta4j.engine.ref.RefEngine;
import org.delta4j.nn.layers.ActivationLayer;
import org.delta4j.nn.layers.DenseLayer;
import org.delta4j.spec.ActivationFunction;
import org.delta4j.spec.LossFunction;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The suite catches a wrong gradient: an engine whose sigmoid derivative is off by 1 %, or whose dW misses the last
 * row of the batch, fails the layer comparison in both data types, with a message naming the tensor.
 */
class DeliberatelyWrongGradientTest {
  private final Engine reference = new RefEngine();

  /** The reference engine with one kernel altered; its tensors are the reference engine's own. */
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

  /** Delegates every kernel to the reference engine's; subclasses override one. */
  private static class Delegating implements Kernels {
    final Kernels k;

    Delegating(Kernels k) {
      this.k = k;
    }

    public void gemm(Tensor a, boolean ta, Tensor b, boolean tb, double alpha, double beta, Tensor c) {
      k.gemm(a, ta, b, tb, alpha, beta, c);
    }

    public void unary(UnaryOp f, Tensor x, Tensor y) {
      k.unary(f, x, y);
    }

    public void affine(Tensor x, double s, double t, Tensor y) {
      k.affine(x, s, t, y);
    }

    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
      k.binary(op, a, b, out);
    }

    public void select(Tensor mask, Tensor a, Tensor b, Tensor out) {
      k.select(mask, a, b, out);
    }

    public void reduce(ReduceOp op, Tensor m, int axis, Tensor out) {
      k.reduce(op, m, axis, out);
    }

    public void copyWindow(Tensor src, Window from, Tensor dst, Window to) {
      k.copyWindow(src, from, dst, to);
    }

    public void addRowVector(Tensor m, Tensor v) {
      k.addRowVector(m, v);
    }

    public void sumRows(Tensor m, double beta, Tensor out) {
      k.sumRows(m, beta, out);
    }

    public void activation(ActivationFunction f, double alpha, Tensor x, Tensor y) {
      k.activation(f, alpha, x, y);
    }

    public void activationBackward(ActivationFunction f, double alpha, Tensor x, Tensor y, Tensor dy, Tensor dx) {
      k.activationBackward(f, alpha, x, y, dy, dx);
    }

    public void multiply(Tensor a, Tensor b, Tensor out) {
      k.multiply(a, b, out);
    }

    public void axpy(double alpha, Tensor x, Tensor y) {
      k.axpy(alpha, x, y);
    }

    public void scale(Tensor x, double s) {
      k.scale(x, s);
    }

    public void fill(Tensor t, double value) {
      k.fill(t, value);
    }

    public void copy(Tensor src, Tensor dst) {
      k.copy(src, dst);
    }

    public double loss(LossFunction f, Tensor p, Tensor t, Tensor g) {
      return k.loss(f, p, t, g);
    }

    public void argmaxRows(Tensor m, int[] out) {
      k.argmaxRows(m, out);
    }

    public void momentumUpdate(Tensor w, Tensor g, Tensor v, double lr, double mu, boolean nesterov) {
      k.momentumUpdate(w, g, v, lr, mu, nesterov);
    }

    public void adaGradUpdate(Tensor w, Tensor g, Tensor s, double lr, double eps) {
      k.adaGradUpdate(w, g, s, lr, eps);
    }

    public void rmsPropUpdate(Tensor w, Tensor g, Tensor s, double lr, double rho, double eps) {
      k.rmsPropUpdate(w, g, s, lr, rho, eps);
    }

    public void adamUpdate(Tensor w, Tensor g, Tensor m, Tensor v, double lr, double b1, double b2, double eps,
        double c1, double c2) {
      k.adamUpdate(w, g, m, v, lr, b1, b2, eps, c1, c2);
    }
  }

  @ParameterizedTest
  @EnumSource(DataType.class)
  void aSigmoidDerivativeOffByOnePercentFails(DataType type) {
    Engine skewed = new SkewedEngine(k -> new Delegating(k) {
      @Override
      public void activationBackward(ActivationFunction f, double a, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        super.activationBackward(f, a, x, y, dy, dx);
        if (f == ActivationFunction.SIGMOID) {
          k.scale(dx, 1.01);
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
    Engine skewed = new SkewedEngine(k -> new Delegating(k) {
      @Override
      public void gemm(Tensor a, boolean ta, Tensor b, boolean tb, double alpha, double beta, Tensor c) {
        if (ta && !tb && a.shape().dim(0) > 1) { // dW = Xᵀ·dY over all but the last row of the batch
          int rows = a.shape().dim(0) - 1;
          double[] x = java.util.Arrays.copyOf(a.toDoubleArray(), rows * a.shape().dim(1));
          double[] g = java.util.Arrays.copyOf(b.toDoubleArray(), rows * b.shape().dim(1));
          Engine e = a.engine();
          k.gemm(e.tensor(a.dataType(), Shape.of(rows, a.shape().dim(1)), x), true,
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
