package org.delta4j.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.delta4j.data.ArrayDataset;
import org.delta4j.data.Dataset;
import org.delta4j.engine.ref.RefEngine;
import org.delta4j.io.NetworkSpecJson;
import org.delta4j.nn.Network;
import org.delta4j.nn.Parameter;
import org.delta4j.spec.LearningRateSchedule;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.tensor.DataType;
import org.delta4j.train.EpochResult;
import org.delta4j.train.History;
import org.delta4j.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole training runs of {@link Trainer}, in FLOAT64 on the reference engine, end where the same runs of PyTorch end
 * ({@code torch_training.py}): a small tanh network trained {@value #EPOCHS} epochs on {@value #SAMPLES} samples by
 * every built-in optimizer, with and without weight decay, under every schedule (PyTorch's scheduler stepped after
 * each update), with a softmax cross-entropy on classes and a mean squared error on values, in batches of 4 and 3
 * (last batches of 2 and 1, each averaged over its own rows) and of 32 (one batch of all the data), in order and in
 * the order {@link Trainer#epochOrder} shuffles. Agreement is round-off: the final weights within {@value #TOLERANCE}
 * of PyTorch's, and each epoch's reported loss (the mean over its samples of the loss each batch had before its
 * update), accuracy (of the same passes' predictions) and learning rate (that of the epoch's first update) within
 * {@value #TOLERANCE} of PyTorch's. Needs {@code /usr/bin/python3} with torch.
 */
class TrainerPyTorchAgreementTest {
  static final int EPOCHS = 3;
  static final int SAMPLES = 10;
  static final double TOLERANCE = 1e-12;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void trainingRunsEndWherePyTorchsEnd(@TempDir Path dir) throws Exception {
    assumeTrue(PyTorch.available(), "/usr/bin/python3 cannot import torch (apt-get install python3-torch)");
    List<String> cases = new ArrayList<>();
    int seed = 0;
    for (String kind : List.of(OptimizerSpec.Sgd.TYPE, OptimizerSpec.Momentum.TYPE, OptimizerSpec.Nesterov.TYPE,
        OptimizerSpec.AdaGrad.TYPE, OptimizerSpec.RmsProp.TYPE, OptimizerSpec.Adam.TYPE, OptimizerSpec.AdamW.TYPE)) {
      for (double decay : new double[] {0, 0.05}) {
        for (LearningRateSchedule schedule : List.of(new LearningRateSchedule.Constant(),
            new LearningRateSchedule.StepDecay(3, 0.5), new LearningRateSchedule.ExponentialDecay(1, 0.8),
            new LearningRateSchedule.ExponentialDecay(2, 0.7), new LearningRateSchedule.CosineDecay(5, 0.1))) {
          for (boolean classes : new boolean[] {true, false}) {
            for (int batchSize : new int[] {4, 3, 32}) {
              for (boolean shuffle : batchSize == 4 ? new boolean[] {false, true} : new boolean[] {false}) {
                cases.add(run(seed++, optimizer(kind, decay, schedule), classes, batchSize, shuffle));
              }
            }
          }
        }
      }
    }
    List<String> differing = new ArrayList<>();
    for (String v : PyTorch.verdicts(TrainerPyTorchAgreementTest.class, "torch_training.py", dir, cases)) {
      if (!(Double.parseDouble(v.split(" ")[1]) <= TOLERANCE)) {
        differing.add(v);
      }
    }
    assertTrue(differing.isEmpty(), differing.size() + " of " + cases.size() + " runs differ from PyTorch's (run, "
        + "difference, where):\n" + String.join("\n", differing));
  }

  private static OptimizerSpec optimizer(String kind, double decay, LearningRateSchedule schedule) {
    return switch (kind) {
      case OptimizerSpec.Sgd.TYPE -> new OptimizerSpec.Sgd(0.1, decay, schedule);
      case OptimizerSpec.Momentum.TYPE -> new OptimizerSpec.Momentum(0.1, 0.8, decay, schedule);
      case OptimizerSpec.Nesterov.TYPE -> new OptimizerSpec.Nesterov(0.1, 0.8, decay, schedule);
      case OptimizerSpec.AdaGrad.TYPE -> new OptimizerSpec.AdaGrad(0.05, 1e-8, decay, schedule);
      case OptimizerSpec.RmsProp.TYPE -> new OptimizerSpec.RmsProp(0.01, 0.9, 1e-8, decay, schedule);
      case OptimizerSpec.Adam.TYPE -> new OptimizerSpec.Adam(0.05, 0.9, 0.999, 1e-8, decay, schedule);
      case OptimizerSpec.AdamW.TYPE -> new OptimizerSpec.AdamW(0.05, 0.9, 0.999, 1e-8, decay, schedule);
      default -> throw new IllegalArgumentException("no optimizer " + kind);
    };
  }

  /**
   * One run as a line of JSON: the optimizer as Delta4j writes it, the data, each epoch's visiting order, the
   * parameters before and after, and each epoch's reported loss, accuracy and learning rate.
   */
  private static String run(int seed, OptimizerSpec optimizer, boolean classes, int batchSize, boolean shuffle)
      throws Exception {
    NetworkSpec spec = NetworkSpec.builder().input(3).dense(4).tanh().dense(2)
        .loss(classes ? LossFunction.SOFTMAX_CROSS_ENTROPY : LossFunction.MEAN_SQUARED_ERROR)
        .optimizer(optimizer).seed(seed).build();
    Network network = Network.create(spec, new RefEngine(), DataType.FLOAT64);
    Random random = new Random(seed);
    float[][] features = new float[SAMPLES][3];
    float[][] values = new float[SAMPLES][2];
    int[] labels = new int[SAMPLES];
    for (int i = 0; i < SAMPLES; i++) {
      for (int j = 0; j < 3; j++) {
        features[i][j] = (float) random.nextGaussian();
      }
      values[i] = new float[] {(float) random.nextGaussian(), (float) random.nextGaussian()};
      labels[i] = random.nextInt(2);
    }
    Dataset data = classes ? ArrayDataset.classification(features, labels, 2)
        : ArrayDataset.regression(features, values);
    List<int[]> orders = new ArrayList<>();
    for (int epoch = 1; epoch <= EPOCHS; epoch++) {
      int[] order = new int[SAMPLES];
      Trainer.epochOrder(order, seed, epoch, shuffle);
      orders.add(order);
    }
    List<Map<String, Object>> before = parameters(network);
    History history = Trainer.builder().epochs(EPOCHS).batchSize(batchSize).seed(seed).shuffle(shuffle).build()
        .fit(network, data);
    assertEquals(EPOCHS, history.epochs().size());
    List<Map<String, Object>> epochs = new ArrayList<>();
    for (EpochResult r : history.epochs()) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("loss", r.trainingLoss());
      e.put("accuracy", classes ? r.trainingAccuracy() : null);
      e.put("rate", r.learningRate());
      epochs.add(e);
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("name", optimizer.type() + (optimizer.weightDecay() != 0 ? "+decay" : "") + "/"
        + optimizer.schedule().toString().replace(" ", "") + "/" + (classes ? "classes" : "values") + "/batch"
        + batchSize + (shuffle ? "/shuffled" : ""));
    json.put("optimizer", JSON.readTree(NetworkSpecJson.writeOptimizer(optimizer)));
    json.put("classes", classes);
    json.put("batch_size", batchSize);
    json.put("features", widened(features)); // as the network reads them: a float's shortest decimal is another double
    json.put("values", widened(values));
    json.put("labels", labels);
    json.put("orders", orders);
    json.put("before", before);
    json.put("after", parameters(network));
    json.put("epochs", epochs);
    return JSON.writeValueAsString(json);
  }

  private static double[][] widened(float[][] rows) {
    double[][] out = new double[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      out[i] = new double[rows[i].length];
      for (int j = 0; j < rows[i].length; j++) {
        out[i][j] = rows[i][j];
      }
    }
    return out;
  }

  /** The parameters in the network's order: name, shape and values. */
  private static List<Map<String, Object>> parameters(Network network) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Parameter p : network.parameters()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", p.name());
      m.put("shape", p.value().shape().dims());
      m.put("v", p.value().toDoubleArray());
      out.add(m);
    }
    return out;
  }
}
