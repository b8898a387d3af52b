package org.delta4j.engine.ref;

import org.delta4j.spec.ActivationFunction;

/** Element-wise activation functions and their derivatives (softmax, which is per row, lives in {@link RefKernels}). */
final class Activations {
  private Activations() {}

  static void forward(ActivationFunction f, float alpha, float[] x, float[] y) {
    int n = x.length;
    switch (f) {
      case IDENTITY -> System.arraycopy(x, 0, y, 0, n);
      case RELU -> {
        for (int i = 0; i < n; i++) {
          y[i] = Math.max(x[i], 0f);
        }
      }
      case LEAKY_RELU -> {
        for (int i = 0; i < n; i++) {
          y[i] = x[i] > 0 ? x[i] : alpha * x[i];
        }
      }
      case SIGMOID -> {
        for (int i = 0; i < n; i++) {
          y[i] = (float) (1 / (1 + Math.exp(-x[i])));
        }
      }
      case TANH -> {
        for (int i = 0; i < n; i++) {
          y[i] = (float) Math.tanh(x[i]);
        }
      }
      default -> throw new IllegalArgumentException("not an element-wise activation: " + f);
    }
  }

  static void forward(ActivationFunction f, double alpha, double[] x, double[] y) {
    int n = x.length;
    switch (f) {
      case IDENTITY -> System.arraycopy(x, 0, y, 0, n);
      case RELU -> {
        for (int i = 0; i < n; i++) {
          y[i] = Math.max(x[i], 0);
        }
      }
      case LEAKY_RELU -> {
        for (int i = 0; i < n; i++) {
          y[i] = x[i] > 0 ? x[i] : alpha * x[i];
        }
      }
      case SIGMOID -> {
        for (int i = 0; i < n; i++) {
          y[i] = 1 / (1 + Math.exp(-x[i]));
        }
      }
      case TANH -> {
        for (int i = 0; i < n; i++) {
          y[i] = Math.tanh(x[i]);
        }
      }
      default -> throw new IllegalArgumentException("not an element-wise activation: " + f);
    }
  }

  /** dx = f′(x)·dy, with f′ from y where cheaper: sigmoid y(1 − y), tanh 1 − y². */
  static void backward(ActivationFunction f, float alpha, float[] x, float[] y, float[] dy, float[] dx) {
    int n = x.length;
    switch (f) {
      case IDENTITY -> System.arraycopy(dy, 0, dx, 0, n);
      case RELU -> {
        for (int i = 0; i < n; i++) {
          dx[i] = x[i] <= 0 ? 0f : dy[i]; // dy at NaN, as PyTorch's threshold_backward
        }
      }
      case LEAKY_RELU -> {
        for (int i = 0; i < n; i++) {
          dx[i] = x[i] > 0 ? dy[i] : alpha * dy[i];
        }
      }
      case SIGMOID -> {
        for (int i = 0; i < n; i++) {
          dx[i] = dy[i] * y[i] * (1 - y[i]);
        }
      }
      case TANH -> {
        for (int i = 0; i < n; i++) {
          dx[i] = dy[i] * (1 - y[i] * y[i]);
        }
      }
      default -> throw new IllegalArgumentException("not an element-wise activation: " + f);
    }
  }

  static void backward(ActivationFunction f, double alpha, double[] x, double[] y, double[] dy, double[] dx) {
    int n = x.length;
    switch (f) {
      case IDENTITY -> System.arraycopy(dy, 0, dx, 0, n);
      case RELU -> {
        for (int i = 0; i < n; i++) {
          dx[i] = x[i] <= 0 ? 0 : dy[i];
        }
      }
      case LEAKY_RELU -> {
        for (int i = 0; i < n; i++) {
          dx[i] = x[i] > 0 ? dy[i] : alpha * dy[i];
        }
      }
      case SIGMOID -> {
        for (int i = 0; i < n; i++) {
          dx[i] = dy[i] * y[i] * (1 - y[i]);
        }
      }
      case TANH -> {
        for (int i = 0; i < n; i++) {
          dx[i] = dy[i] * (1 - y[i] * y[i]);
        }
      }
      default -> throw new IllegalArgumentException("not an element-wise activation: " + f);
    }
  }
}
