package org.delta4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.delta4j.engine.Engine;
import org.delta4j.engine.ref.RefEngine;
import org.delta4j.spec.LayerSpec;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The 3-3-3 network of the backpropagation notes, worked through by hand: input i, a ReLU layer j, a sigmoid layer k,
 * a softmax output l with cross-entropy against a one-hot target. Every expected number below is computed here from
 * the formulas, scalar by scalar, independently of the kernels: h1_in = i·W_ij + b_j, h1_out = max(0, h1_in),
 * h2_out = 1/(1 + e^−h2_in), O_out = e^O_in / Σ e^O_in, E = −Σ y log O_out; then backwards δ_l = O_out − y,
 * δW_kl = h2_outᵀ·δ_l, δ_k = (δ_l·W_klᵀ) ⊙ h2_out(1 − h2_out), δ_j = (δ_k·W_jkᵀ) ⊙ [h1_in &gt; 0], W ← W − α·δW.
 */
class BackpropByHandTest {
  static final double[] I = {0.1, 0.2, 0.7};
  static final double[][] W_IJ = {{0.1, 0.2, 0.3}, {0.3, 0.2, 0.7}, {0.4, 0.3, 0.9}};
  static final double[][] W_JK = {{0.2, 0.3, 0.5}, {0.3, 0.5, 0.7}, {0.6, 0.4, 0.8}};
  static final double[][] W_KL = {{0.1, 0.4, 0.8}, {0.3, 0.7, 0.2}, {0.5, 0.2, 0.9}};
  static final double[] B = {1, 1, 1};
  static final double[] Y = {1, 0, 0};
  static final double ALPHA = 0.01;

  private final Engine engine = new RefEngine();

  private static double[] affine(double[] x, double[][] w, double[] b) {
    double[] out = new double[w[0].length];
    for (int o = 0; o < out.length; o++) {
      out[o] = b[o];
      for (int i = 0; i < x.length; i++) {
        out[o] += x[i] * w[i][o];
      }
    }
    return out;
  }

  private static double[] relu(double[] x) {
    double[] out = new double[x.length];
    for (int n = 0; n < x.length; n++) {
      out[n] = Math.max(0, x[n]);
    }
    return out;
  }

  private static double[] backThrough(double[] delta, double[][] w) { // δ·Wᵀ
    double[] out = new double[w.length];
    for (int i = 0; i < w.length; i++) {
      for (int o = 0; o < delta.length; o++) {
        out[i] += delta[o] * w[i][o];
      }
    }
    return out;
  }

  private static double[] flat(double[][] m) {
    double[] f = new double[9];
    for (int i = 0; i < 3; i++) {
      System.arraycopy(m[i], 0, f, 3 * i, 3);
    }
    return f;
  }

  private Network network(LossFunction loss, boolean softmaxLayer) {
    NetworkSpec.Builder b = NetworkSpec.builder().input(3).dense(3).relu().dense(3).sigmoid().dense(3);
    if (softmaxLayer) {
      b.softmax();
    }
    Network net = Network.create(b.loss(loss).optimizer(new OptimizerSpec.Sgd(ALPHA)).build(), engine,
        DataType.FLOAT64);
    double[][][] weights = {W_IJ, W_JK, W_KL};
    for (int l = 0; l < 3; l++) {
      net.parameter("dense" + (l + 1) + ".weight").value().copyFrom(flat(weights[l]));
      net.parameter("dense" + (l + 1) + ".bias").value().copyFrom(B);
    }
    return net;
  }

  @Test
  void forwardBackwardAndUpdateMatchTheHandComputation() {
    // Forward, by hand.
    double[] h1In = affine(I, W_IJ, B);
    double[] h1Out = relu(h1In);
    double[] h2In = affine(h1Out, W_JK, B);
    double[] h2Out = new double[3];
    for (int n = 0; n < 3; n++) {
      h2Out[n] = 1 / (1 + Math.exp(-h2In[n]));
    }
    double[] oIn = affine(h2Out, W_KL, B);
    double z = Math.exp(oIn[0]) + Math.exp(oIn[1]) + Math.exp(oIn[2]);
    double[] oOut = {Math.exp(oIn[0]) / z, Math.exp(oIn[1]) / z, Math.exp(oIn[2]) / z};
    double e = -(Y[0] * Math.log(oOut[0]) + Y[1] * Math.log(oOut[1]) + Y[2] * Math.log(oOut[2]));
    // Backward, by hand: for softmax with cross-entropy, ∂E/∂O_in = O_out − y.
    double[] deltaL = {oOut[0] - Y[0], oOut[1] - Y[1], oOut[2] - Y[2]};
    double[] deltaK = backThrough(deltaL, W_KL);
    for (int n = 0; n < 3; n++) {
      deltaK[n] *= h2Out[n] * (1 - h2Out[n]);
    }
    double[] deltaJ = backThrough(deltaK, W_JK);
    for (int n = 0; n < 3; n++) {
      deltaJ[n] *= h1In[n] > 0 ? 1 : 0;
    }

    for (boolean fused : new boolean[] {true, false}) {
      Network net = network(fused ? LossFunction.SOFTMAX_CROSS_ENTROPY : LossFunction.CATEGORICAL_CROSS_ENTROPY,
          !fused);
      Tensor x = engine.tensor(DataType.FLOAT64, Shape.of(1, 3), I);
      Tensor y = engine.tensor(DataType.FLOAT64, Shape.of(1, 3), Y);
      double[] probabilities = net.probabilities(x).toDoubleArray();
      for (int n = 0; n < 3; n++) {
        assertEquals(oOut[n], probabilities[n], 1e-12, "O_out" + n);
      }
      double loss = net.trainStep(x, y);
      assertEquals(e, loss, 1e-12, "E");
      double[][] h = {I, h1Out, h2Out};
      double[][] d = {deltaJ, deltaK, deltaL};
      double[][][] w = {W_IJ, W_JK, W_KL};
      for (int l = 0; l < 3; l++) {
        double[] gradW = net.parameter("dense" + (l + 1) + ".weight").gradient().toDoubleArray();
        double[] newW = net.parameter("dense" + (l + 1) + ".weight").value().toDoubleArray();
        double[] newB = net.parameter("dense" + (l + 1) + ".bias").value().toDoubleArray();
        for (int a = 0; a < 3; a++) {
          assertEquals(B[a] - ALPHA * d[l][a], newB[a], 1e-12, "b" + l + a);
          for (int o = 0; o < 3; o++) {
            double expectedGrad = h[l][a] * d[l][o]; // δW = xᵀ·δ
            assertEquals(expectedGrad, gradW[3 * a + o], 1e-12, (fused ? "fused " : "") + "δW" + l + "[" + a + o + "]");
            assertEquals(w[l][a][o] - ALPHA * expectedGrad, newW[3 * a + o], 1e-12, "W" + l + "[" + a + o + "]");
          }
        }
      }
    }
  }

  /**
   * The network's backward pass returns ∂E/∂I = δ_J·W_IJᵀ, the chain rule carried one step past the first layer,
   * when asked for it, and null, as its contract says, when not.
   */
  @Test
  void backwardGivesTheInputGradientOnlyWhenAskedFor() {
    double[] h1In = affine(I, W_IJ, B);
    double[] h1Out = relu(h1In);
    Network net = network(LossFunction.SQUARED_ERROR, false);
    Tensor x = engine.tensor(DataType.FLOAT64, Shape.of(1, 3), I);
    Tensor dOut = engine.tensor(DataType.FLOAT64, Shape.of(1, 3), 1, -2, 0.5);
    double[] h2In = affine(h1Out, W_JK, B);
    double[] deltaK = backThrough(dOut.toDoubleArray(), W_KL);
    for (int n = 0; n < 3; n++) {
      double s = 1 / (1 + Math.exp(-h2In[n]));
      deltaK[n] *= s * (1 - s);
    }
    double[] deltaJ = backThrough(deltaK, W_JK);
    for (int n = 0; n < 3; n++) {
      deltaJ[n] *= h1In[n] > 0 ? 1 : 0;
    }
    double[] dInput = backThrough(deltaJ, W_IJ);
    net.forward(x, Mode.training(1));
    double[] got = net.backward(dOut, true).toDoubleArray();
    for (int n = 0; n < 3; n++) {
      assertEquals(dInput[n], got[n], 1e-12, "∂E/∂I" + n);
    }
    net.forward(x, Mode.training(2));
    assertNull(net.backward(dOut, false), "∂E/∂I not asked for");
  }

  @Test
  void softmaxIsFiniteForHugeLogits() {
    Network net = Network.create(NetworkSpec.builder().input(3).layer(new LayerSpec.Dense(null, 3,
        org.delta4j.spec.Initializer.zeros(), org.delta4j.spec.Initializer.zeros())).loss(
        LossFunction.SOFTMAX_CROSS_ENTROPY).build(), engine, DataType.FLOAT32);
    net.parameter("dense1.bias").value().copyFrom(new double[] {1e4, -1e4, 1e4 - 1});
    double[] p = net.probabilities(engine.tensor(DataType.FLOAT32, Shape.of(1, 3), 0, 0, 0)).toDoubleArray();
    assertEquals(1 / (1 + Math.exp(-1)), p[0], 1e-6);
    assertEquals(0, p[1]);
    assertEquals(Math.exp(-1) / (1 + Math.exp(-1)), p[2], 1e-6);
    double loss = net.loss(engine.tensor(DataType.FLOAT32, Shape.of(1, 3), 0, 0, 0),
        engine.tensor(DataType.FLOAT32, Shape.of(1, 3), 0, 1, 0));
    assertEquals(2e4 + Math.log(1 + Math.exp(-1)), loss, 1e-3 * 2e4, "no log of 0: the loss is finite and right");
  }
}
