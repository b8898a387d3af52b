package org.delta4j.engine.nd4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Engines;
import org.delta4j.engine.ref.RefEngine;
import org.delta4j.io.NetworkSpecJson;
import org.delta4j.nn.Mode;
import org.delta4j.nn.Network;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Small networks drawn at random — convolutions, pooling, batch norm, activations and dropout over images of 1 to 6
 * pixels a side, in any order and with any kernel, stride, dilation and padding the spec accepts, then dense layers —
 * train three steps on the nd4j engine to the reference engine's loss and predictions, to round-off (FLOAT64, 1e-9).
 * A spec the rules refuse is skipped; most are not. The optimizers are the ones whose step is proportional to the
 * gradient: an adaptive one divides by its size and so turns round-off in a gradient that is zero in exact arithmetic
 * (batch norm over two samples makes some) into a step of the learning rate.
 */
class RandomNetworksTest {
  private static final int NETWORKS = 2000;

  private final Engine reference = new RefEngine();
  private final Engine nd4j = Engines.get(Nd4jEngine.NAME);

  @Test
  void randomNetworksTrainAsOnTheReferenceEngine() {
    List<String> disagreements = new ArrayList<>();
    int trained = 0;
    for (int seed = 0; seed < NETWORKS; seed++) {
      Random random = new Random(seed);
      String json = randomSpec(random, seed, true, null);
      NetworkSpec spec;
      try {
        spec = NetworkSpecJson.read(json);
      } catch (IllegalArgumentException refused) { // a window larger than its input, say: refused by the rules
        continue;
      }
      Batch batch = Batch.draw(random, spec, 1 + random.nextInt(4));
      double[] onReference = trainAndPredict(reference, spec, batch);
      double[] onNd4j = trainAndPredict(nd4j, spec, batch);
      double difference = 0;
      for (int i = 0; i < onReference.length; i++) {
        difference = Math.max(difference, Math.abs(onReference[i] - onNd4j[i]));
      }
      if (!(difference <= 1e-9)) {
        disagreements.add("differ by " + difference + ": " + json + ", batch " + batch.rows());
      }
      trained++;
    }
    assertTrue(trained > NETWORKS / 2, "only " + trained + " of " + NETWORKS + " random specs were valid networks");
    assertTrue(disagreements.isEmpty(), disagreements.size() + " of " + trained + " networks: "
        + String.join("\n", disagreements));
  }

  /** The three steps' losses, then the predictions in inference mode (batch norm on its running statistics). */
  private static double[] trainAndPredict(Engine engine, NetworkSpec spec, Batch batch) {
    Network network = Network.create(spec, engine, DataType.FLOAT64);
    double[] losses = new double[3];
    for (int step = 0; step < losses.length; step++) {
      losses[step] = network.trainStep(batch.inputs(engine), batch.targets(engine));
    }
    double[] predictions = network.forward(batch.inputs(engine), Mode.inference()).toDoubleArray();
    double[] all = new double[losses.length + predictions.length];
    System.arraycopy(losses, 0, all, 0, losses.length);
    System.arraycopy(predictions, 0, all, losses.length, predictions.length);
    return all;
  }

  /** A batch for a classifier: standard normal inputs of the spec's input shape, one-hot targets of its classes. */
  record Batch(NetworkSpec spec, int rows, double[] x, double[] y) {
    /** Draws {@code rows} rows' inputs, then their classes, from {@code random}. */
    static Batch draw(Random random, NetworkSpec spec, int rows) {
      double[] x = new double[rows * spec.input().intSize()];
      for (int i = 0; i < x.length; i++) {
        x[i] = random.nextGaussian();
      }
      int classes = spec.outputShape().dim(0);
      double[] y = new double[rows * classes];
      for (int i = 0; i < rows; i++) {
        y[i * classes + random.nextInt(classes)] = 1;
      }
      return new Batch(spec, rows, x, y);
    }

    Tensor inputs(Engine engine) {
      return engine.tensor(DataType.FLOAT64, spec.input().withBatch(rows), x);
    }

    Tensor targets(Engine engine) {
      return engine.tensor(DataType.FLOAT64, spec.outputShape().withBatch(rows), y);
    }
  }

  /**
   * Up to four image layers, a flatten, up to two dense-side layers and a dense output, as spec JSON; dropout among
   * them only if {@code dropout}; trained by {@code optimizer}, or when null by SGD, momentum or Nesterov at random.
   */
  static String randomSpec(Random random, int seed, boolean dropout, String optimizer) {
    StringBuilder layers = new StringBuilder();
    for (int i = random.nextInt(5); i > 0; i--) {
      layers.append(imageLayer(random, dropout)).append(',');
    }
    layers.append("{\"type\":\"flatten\"},");
    for (int i = random.nextInt(3); i > 0; i--) {
      layers.append(vectorLayer(random, dropout)).append(',');
    }
    int classes = 2 + random.nextInt(3);
    layers.append("{\"type\":\"dense\",\"units\":").append(classes).append('}');
    String loss = random.nextBoolean() ? "softmax_cross_entropy" : "mean_squared_error";
    String drawn = new String[] {"sgd", "momentum", "nesterov"}[random.nextInt(3)];
    return "{\"input\":[" + (1 + random.nextInt(3)) + "," + (1 + random.nextInt(6)) + "," + (1 + random.nextInt(6))
        + "],\"layers\":[" + layers + "],\"loss\":\"" + loss + "\",\"optimizer\":{\"type\":\""
        + (optimizer != null ? optimizer : drawn)
        + "\",\"learning_rate\":0.01},\"seed\":" + seed + "}";
  }

  private static String imageLayer(Random random, boolean dropout) {
    return switch (random.nextInt(6)) {
      case 0, 1 -> "{\"type\":\"conv2d\",\"filters\":" + (1 + random.nextInt(4)) + ",\"kernel\":" + pair(random, 4)
          + window(random) + (random.nextBoolean() ? ",\"use_bias\":false" : "") + "}";
      case 2 -> "{\"type\":\"" + (random.nextBoolean() ? "max_pool2d" : "avg_pool2d") + "\",\"kernel\":"
          + pair(random, 3) + (random.nextBoolean() ? ",\"stride\":" + pair(random, 3) : "")
          + (random.nextBoolean() ? ",\"padding\":\"same\"" : "") + "}";
      case 3 -> "{\"type\":\"batch_norm\"}";
      case 4 -> activation(random);
      default -> random.nextInt(4) == 0 || !dropout ? "{\"type\":\"global_avg_pool2d\"}" : dropout(random);
    };
  }

  private static String vectorLayer(Random random, boolean dropout) {
    return switch (random.nextInt(dropout ? 4 : 3)) {
      case 0 -> "{\"type\":\"dense\",\"units\":" + (1 + random.nextInt(6)) + "}";
      case 1 -> "{\"type\":\"batch_norm\"}";
      case 3 -> dropout(random);
      default -> activation(random);
    };
  }

  /** A convolution's stride, dilation and padding: each left to its default half the time. */
  private static String window(Random random) {
    String stride = random.nextBoolean() ? ",\"stride\":" + pair(random, 3) : "";
    String dilation = random.nextInt(3) == 0 ? ",\"dilation\":" + pair(random, 2) : "";
    String padding = switch (random.nextInt(3)) {
      case 0 -> ",\"padding\":\"same\"";
      case 1 -> ",\"padding\":\"explicit\",\"pad\":[" + random.nextInt(2) + "," + random.nextInt(2) + "]";
      default -> "";
    };
    return stride + dilation + padding;
  }

  private static String activation(Random random) {
    return "{\"type\":\"" + new String[] {"relu", "leaky_relu", "sigmoid", "tanh"}[random.nextInt(4)] + "\"}";
  }

  private static String dropout(Random random) {
    return "{\"type\":\"dropout\",\"rate\":" + random.nextInt(3) * 0.3 + "}";
  }

  /** [h, w], each 1 to {@code max}. */
  private static String pair(Random random, int max) {
    return "[" + (1 + random.nextInt(max)) + "," + (1 + random.nextInt(max)) + "]";
  }
}
