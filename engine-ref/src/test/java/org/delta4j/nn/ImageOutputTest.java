package org.delta4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.delta4j.engine.Engine;
import org.delta4j.engine.ref.RefEngine;
import org.delta4j.spec.Conv2D;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.Padding;
import org.delta4j.spec.Window2D;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A network whose output is an image [C, H, W] (a convolution last) is read as its loss reads it, one row of C·H·W
 * logits a sample: its probabilities are that row's softmax, e^(zⱼ − max z) / Σₖ e^(zₖ − max z), its classes the
 * row's argmax, and softmax cross-entropy's loss −(1/N) Σₙ log p(n, label) on one-hot targets. With one position
 * ([C, 1, 1]) this is PyTorch's {@code cross_entropy} over the channels.
 */
class ImageOutputTest {
  private static final int ROWS = 3;
  private final Engine engine = new RefEngine();

  static Stream<Arguments> networks() {
    return Stream.of(
        Arguments.of("4 filters 5×5 over 5×5: output [4, 1, 1]", Shape.of(1, 5, 5), 4, 5),
        Arguments.of("3 filters 2×2 over 3×3: output [3, 2, 2]", Shape.of(2, 3, 3), 3, 2));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("networks")
  void probabilitiesClassesAndLossReadOneRowOfLogitsASample(String label, Shape input, int filters, int kernel) {
    NetworkSpec spec = NetworkSpec.builder().input(input.dims())
        .layer(new Conv2D(filters, Window2D.square(kernel, Padding.VALID)))
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).seed(11).build();
    Network network = Network.create(spec, engine, DataType.FLOAT64);
    int features = input.intSize();
    double[] x = new double[ROWS * features];
    float[][] samples = new float[ROWS][features];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) Math.sin(1.7 * i + 0.3) * 2; // FLOAT32 values, so that the float[][] path sees the same input
      samples[i / features][i % features] = (float) x[i];
    }
    Tensor inputs = engine.tensor(DataType.FLOAT64, input.withBatch(ROWS), x);
    double[] z = network.forward(inputs, Mode.inference()).toDoubleArray();
    int width = z.length / ROWS;
    double[] expected = new double[z.length];
    int[] argmax = new int[ROWS];
    int[] labels = new int[ROWS];
    double[] targets = new double[z.length];
    double expectedLoss = 0;
    for (int n = 0; n < ROWS; n++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < width; j++) {
        if (z[n * width + j] > max) {
          max = z[n * width + j];
          argmax[n] = j;
        }
      }
      double sum = 0;
      for (int j = 0; j < width; j++) {
        sum += Math.exp(z[n * width + j] - max);
      }
      for (int j = 0; j < width; j++) {
        expected[n * width + j] = Math.exp(z[n * width + j] - max) / sum;
      }
      labels[n] = (2 * n + 1) % width;
      targets[n * width + labels[n]] = 1;
      expectedLoss -= Math.log(expected[n * width + labels[n]]) / ROWS;
    }

    assertArrayEquals(expected, network.probabilities(inputs).toDoubleArray(), 1e-15, "Network.probabilities");
    assertArrayEquals(expected, network.predictor().probabilities(inputs).toDoubleArray(), 1e-15,
        "Predictor.probabilities");
    float[][] perSample = network.predictor().probabilities(samples);
    for (int n = 0; n < ROWS; n++) {
      for (int j = 0; j < width; j++) {
        assertEquals(expected[n * width + j], perSample[n][j], 1e-6, "sample " + n + ", output " + j);
      }
    }
    int[] classes = new int[ROWS];
    network.predictClasses(inputs, classes);
    assertArrayEquals(argmax, classes, "Network.predictClasses");
    assertArrayEquals(argmax, network.predictor().classes(samples), "Predictor.classes");
    Tensor t = engine.tensor(DataType.FLOAT64, spec.outputShape().withBatch(ROWS), targets);
    assertEquals(expectedLoss, network.loss(inputs, t), 1e-12, "the loss of the probabilities read");
  }
}
