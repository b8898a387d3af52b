package org.delta4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.delta4j.data.ArrayDataset;
import org.delta4j.data.Dataset;
import org.delta4j.data.Split;
import org.delta4j.engine.Engine;
import org.delta4j.engine.ref.RefEngine;
import org.delta4j.nn.Network;
import org.delta4j.nn.Parameter;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The training loop: epochs, validation, listeners, early stopping with restored weights, exact resumption. */
class TrainerTest {
  private final Engine engine = new RefEngine();
  private final ArrayDataset moons = LearningTest.twoMoons(400, 0.15, 3);

  private NetworkSpec spec(double rate) {
    return NetworkSpec.builder().input(2).dense(16).relu().dropout(0.1).dense(2)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).optimizer(new OptimizerSpec.Adam(rate)).seed(9).build();
  }

  private static double[][] weights(Network net) {
    return net.parameters().stream().map(p -> p.value().toDoubleArray()).toArray(double[][]::new);
  }

  /** The last epoch may be Integer.MAX_VALUE: epoch++ wrapped round past it, and the run never ended. */
  @Test
  void aRunEndingAtTheLargestEpochNumberEnds() {
    Network net = Network.create(spec(0.01), engine);
    List<Integer> epochs = new ArrayList<>();
    Trainer.builder().epochs(Integer.MAX_VALUE).firstEpoch(Integer.MAX_VALUE - 1).batchSize(100).seed(1)
        .listener(new TrainingListener() {
          @Override
          public void onEpochStart(int epoch) {
            epochs.add(epoch);
          }
        }).build().fit(net, moons);
    assertEquals(List.of(Integer.MAX_VALUE - 1, Integer.MAX_VALUE), epochs);
    NullPointerException e = assertThrows(NullPointerException.class, () -> Trainer.builder().listener(null));
    assertEquals("the listener is null", e.getMessage());
  }

  /**
   * A change to the model from inside readModel is refused: the read lock is never upgraded, so the step waited for
   * ever, and every prediction after it.
   */
  @Test
  void aStepInsideReadModelIsRefusedAndTheNetworkStaysUsable() {
    Network net = Network.create(spec(0.01), engine);
    Tensor x = engine.tensor(org.delta4j.tensor.DataType.FLOAT32, Shape.of(1, 2), 0.5, -0.5);
    Tensor t = engine.tensor(org.delta4j.tensor.DataType.FLOAT32, Shape.of(1, 2), 1, 0);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> net.readModel(() -> net.trainStep(x, t)));
    assertTrue(e.getMessage().startsWith("trainStep inside readModel"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> net.readModel(() -> {
      net.changeModel(() -> { });
      return null;
    }));
    net.trainStep(x, t);
    assertEquals(1, net.predictor().classes(new float[][] {{0.5f, -0.5f}}).length);
  }

  @Test
  void listenersSeeEveryEventInOrder() {
    List<String> events = new ArrayList<>();
    TrainingListener recorder = new TrainingListener() {
      public void onTrainingStart(Network n, int first, int last, int batches) {
        events.add("start " + first + ".." + last + " x" + batches);
      }

      public void onEpochStart(int epoch) {
        events.add("epoch " + epoch);
      }

      public void onBatchEnd(int epoch, int batch, double loss, long seen) {
        events.add("batch " + batch + " " + seen);
      }

      public void onEpochEnd(Network n, EpochResult r) {
        events.add("end " + r.epoch());
      }

      public void onTrainingEnd(Network n, History h) {
        events.add("done " + h.epochs().size());
      }
    };
    Trainer.builder().epochs(2).batchSize(150).listener(recorder).build().fit(Network.create(spec(0.01), engine), moons);
    assertEquals(List.of("start 1..2 x3", "epoch 1", "batch 1 150", "batch 2 300", "batch 3 400", "end 1", "epoch 2",
        "batch 1 150", "batch 2 300", "batch 3 400", "end 2", "done 2"), events);
  }

  @Test
  void earlyStoppingRestoresTheBestEpochsWeights() {
    Split split = Split.of(moons, 0.25, 4);
    Network net = Network.create(spec(0.3), engine); // a rate this high makes the validation loss wander
    List<double[][]> perEpoch = new ArrayList<>();
    History h = Trainer.builder().epochs(40).batchSize(16).validation(split.validation())
        .earlyStopping(EarlyStopping.on(Metric.VALIDATION_LOSS, 2))
        .listener(new TrainingListener() {
          public void onEpochEnd(Network n, EpochResult r) {
            perEpoch.add(weights(n));
          }
        }).build().fit(net, split.training());
    assertTrue(h.stoppedEarly(), "the run should stop before 40 epochs: " + h.epochs().size());
    double best = h.epochs().stream().mapToDouble(EpochResult::validationLoss).min().orElseThrow();
    assertEquals(best, h.epochs().get(h.bestEpoch() - 1).validationLoss());
    assertEquals(h.bestEpoch() + 2, h.epochs().size(), "patience 2: two epochs without improvement after the best");
    double[][] restored = weights(net);
    double[][] atBest = perEpoch.get(h.bestEpoch() - 1);
    for (int i = 0; i < restored.length; i++) {
      assertArrayEquals(atBest[i], restored[i]);
    }
    assertEquals(best, Evaluation.of(net, split.validation(), 64).loss(), 1e-6);
  }

  /**
   * A run that diverges until its loss is not finite stops with that error, and early stopping that restores the best
   * still leaves the network with the best epoch's weights, not those of the batch that failed.
   */
  @Test
  void aRunStoppedByANonFiniteLossStillRestoresTheBestEpochsWeights() {
    float[][] x = new float[8][];
    float[][] y = new float[8][];
    for (int i = 0; i < 8; i++) {
      x[i] = new float[] {i, -3 * i};
      y[i] = new float[] {100 * i};
    }
    Network net = Network.create(NetworkSpec.builder().input(2).dense(1).loss(LossFunction.MEAN_SQUARED_ERROR)
        .optimizer(new OptimizerSpec.Sgd(0.5)).seed(1).build(), engine); // a rate that diverges
    List<double[][]> perEpoch = new ArrayList<>();
    List<Double> losses = new ArrayList<>();
    Trainer trainer = Trainer.builder().epochs(200).batchSize(3).shuffle(false)
        .earlyStopping(EarlyStopping.on(Metric.TRAINING_LOSS, 100))
        .listener(new TrainingListener() {
          public void onEpochEnd(Network n, EpochResult r) {
            perEpoch.add(weights(n));
            losses.add(r.trainingLoss());
          }
        }).build();
    assertThrows(ArithmeticException.class, () -> trainer.fit(net, ArrayDataset.regression(x, y)));
    int best = losses.indexOf(losses.stream().min(Double::compare).orElseThrow());
    assertTrue(perEpoch.size() > best + 1, "the run diverged after its best epoch " + (best + 1) + ": " + losses);
    double[][] kept = weights(net);
    for (int i = 0; i < kept.length; i++) {
      assertArrayEquals(perEpoch.get(best)[i], kept[i]);
    }
  }

  @Test
  void earlyStoppingRestoresTheBestEpochsBatchNormStatisticsWithItsWeights() {
    // inference reads the running mean and variance: weights of the best epoch beside the statistics of the last
    // are a model no epoch had, and its validation loss is not the best one recorded
    Split split = Split.of(moons, 0.25, 4);
    NetworkSpec spec = NetworkSpec.builder().input(2).dense(16).batchNorm().relu().dense(2)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).optimizer(new OptimizerSpec.Adam(0.3)).seed(9).build();
    Network net = Network.create(spec, engine);
    List<Map<String, double[]>> buffersPerEpoch = new ArrayList<>();
    History h = Trainer.builder().epochs(40).batchSize(16).validation(split.validation())
        .earlyStopping(EarlyStopping.on(Metric.VALIDATION_LOSS, 2))
        .listener(new TrainingListener() {
          public void onEpochEnd(Network n, EpochResult r) {
            Map<String, double[]> b = new java.util.LinkedHashMap<>();
            n.buffers().forEach((name, t) -> b.put(name, t.toDoubleArray()));
            buffersPerEpoch.add(b);
          }
        }).build().fit(net, split.training());
    assertTrue(h.stoppedEarly() && h.bestEpoch() < h.epochs().size(), "the best epoch should not be the last: "
        + h.bestEpoch() + " of " + h.epochs().size());
    for (Map.Entry<String, double[]> b : buffersPerEpoch.get(h.bestEpoch() - 1).entrySet()) {
      assertArrayEquals(b.getValue(), net.buffers().get(b.getKey()).toDoubleArray(), b.getKey());
    }
    double best = h.epochs().get(h.bestEpoch() - 1).validationLoss();
    assertEquals(best, Evaluation.of(net, split.validation(), 64).loss(), 1e-6);
  }

  private static EpochResult trainingLoss(int epoch, double loss) {
    return new EpochResult(epoch, loss, Double.NaN, Double.NaN, Double.NaN, 0.01, 1);
  }

  /**
   * Early stopping resumed without the results of the epochs before, or without the best epoch's weights when it is
   * not the last saved, or after the run already stopped, is refused saying what it needs: it would otherwise stop at
   * another epoch, or restore other weights, than the run it resumes.
   */
  @Test
  void earlyStoppingResumedWithoutWhatItNeedsIsRefusedSayingWhat() {
    EarlyStopping stopping = EarlyStopping.on(Metric.TRAINING_LOSS, 2);
    String noHistory = assertThrows(IllegalArgumentException.class,
        () -> Trainer.builder().epochs(5).earlyStopping(stopping).firstEpoch(3).build()).getMessage();
    assertTrue(noHistory.contains("early stopping resumed at epoch 3 needs the results of the 2 epochs before it"),
        noHistory);
    List<EpochResult> bestFirst = List.of(trainingLoss(1, 0.5), trainingLoss(2, 0.7));
    assertEquals(1, stopping.bestEpoch(bestFirst));
    Trainer t = Trainer.builder().epochs(5).earlyStopping(stopping).firstEpoch(3).history(bestFirst).build();
    String noBest = assertThrows(IllegalArgumentException.class, () -> t.fit(Network.create(spec(0.01), engine),
        moons)).getMessage();
    assertTrue(noBest.contains("the best epoch before epoch 3 is 1, whose weights the network resumed from epoch 2 "
        + "no longer holds"), noBest);
    List<EpochResult> over = List.of(trainingLoss(1, 0.5), trainingLoss(2, 0.7), trainingLoss(3, 0.6));
    String done = assertThrows(IllegalArgumentException.class, () -> Trainer.builder().epochs(5)
        .earlyStopping(stopping).firstEpoch(4).history(over).build()).getMessage();
    assertTrue(done.contains("early stopping already ended this run at epoch 3"), done);
    String misnumbered = assertThrows(IllegalArgumentException.class,
        () -> Trainer.builder().history(List.of(trainingLoss(2, 0.5)))).getMessage();
    assertTrue(misnumbered.contains("the history's entry 0 should be epoch 1, got epoch 2"), misnumbered);
  }

  @Test
  void earlyStoppingOnValidationNeedsValidationData() {
    Trainer t = Trainer.builder().earlyStopping(EarlyStopping.on(Metric.VALIDATION_ACCURACY, 3)).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> t.fit(Network.create(spec(0.01), engine), moons));
    assertTrue(e.getMessage().contains("no validation data"), e.getMessage());
  }

  @Test
  void dataWithoutSamplesIsRefusedRatherThanReportedAsALossOfNaN() {
    Network net = Network.create(spec(0.01), engine);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Trainer.builder().epochs(1).build().fit(net, moons.subset(new int[0])));
    assertEquals("the dataset has no samples: nothing to train or evaluate on", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Evaluation.of(net, moons.subset(new int[0]), 8));
    assertEquals("the dataset has no samples: nothing to train or evaluate on", e.getMessage());
  }

  @Test
  void validationDataTheNetworkCannotReadIsRefusedBeforeAnyTraining() {
    Network net = Network.create(spec(0.01), engine);
    ArrayDataset three = ArrayDataset.classification(new float[][] {{1, 2, 3}, {3, 2, 1}}, new int[] {0, 1}, 2);
    Trainer t = Trainer.builder().epochs(1).validation(three).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.fit(net, moons));
    assertEquals("the validation data's samples have shape [3] but the network's input is [2]", e.getMessage());
    assertEquals(0, net.optimizer().iterations(), "no epoch was trained before the refusal");
  }

  /**
   * A loss of ±1 labels given classes as one-hot rows reads each 0 as no sign, so only the class's own output learned:
   * the loss reached 0 with a third of the samples wrong. It is refused for training, validation and evaluation data.
   */
  @Test
  void classesAreRefusedToALossOfSigns() {
    Network net = Network.create(NetworkSpec.builder().input(2).dense(2).loss(LossFunction.PERCEPTRON)
        .optimizer(new OptimizerSpec.Sgd(0.1)).build(), engine);
    String says = " has classes, each given as a one-hot target (1 for the class, 0 for the others), but the network's"
        + " loss perceptron takes labels of ±1: give targets of ±1 as regression data, or use a loss of class targets"
        + " such as softmax_cross_entropy";
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Trainer.builder().epochs(1).build().fit(net, moons));
    assertEquals("the dataset" + says, e.getMessage());
    ArrayDataset signs = ArrayDataset.regression(new float[][] {{1, 2}, {2, 1}}, new float[][] {{1, -1}, {-1, 1}});
    e = assertThrows(IllegalArgumentException.class,
        () -> Trainer.builder().epochs(1).validation(moons).build().fit(net, signs));
    assertEquals("the validation data" + says, e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Evaluation.of(net, moons, 10));
    assertEquals("the dataset" + says, e.getMessage());
    assertEquals(0, net.optimizer().iterations(), "refused before any step");
    Trainer.builder().epochs(2).build().fit(net, signs);
    assertEquals(2, net.optimizer().iterations(), "±1 targets train");
  }

  /**
   * A cross-entropy's target outside [0, 1] makes a loss without a lower bound (it trained from 7.7 to −119), and a
   * perceptron's target other than ±1 no sign: each is refused naming the sample, the place and the value.
   */
  @Test
  void targetsOutsideTheirLossesRangeAreRefusedNamingTheSample() {
    float[][] rows = {{1, 2}, {2, 1}, {0, 1}};
    ArrayDataset probabilities = ArrayDataset.regression(rows, new float[][] {{0, 1}, {0.25f, 0.75f}, {1, 0}});
    ArrayDataset above = ArrayDataset.regression(rows, new float[][] {{0, 1}, {0.5f, 1.5f}, {1, 0}});
    ArrayDataset below = ArrayDataset.regression(rows, new float[][] {{0, 1}, {1, 0}, {-0.5f, 1}});
    ArrayDataset halfSign = ArrayDataset.regression(rows, new float[][] {{1, -1}, {-1, 1}, {0.5f, -1}});
    Network binary = Network.create(NetworkSpec.builder().input(2).dense(2).sigmoid()
        .loss(LossFunction.BINARY_CROSS_ENTROPY).build(), engine);
    Network classes = Network.create(NetworkSpec.builder().input(2).dense(2)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).build(), engine);
    Network signs = Network.create(NetworkSpec.builder().input(2).dense(2).loss(LossFunction.PERCEPTRON).build(),
        engine);
    Trainer once = Trainer.builder().epochs(1).build();
    assertEquals("the dataset's sample 1 has target 1.5 at place 1, but the network's loss binary_cross_entropy takes "
        + "probabilities in [0, 1]", assertThrows(IllegalArgumentException.class,
            () -> once.fit(binary, above)).getMessage());
    assertEquals("the validation data's sample 2 has target -0.5 at place 0, but the network's loss "
        + "softmax_cross_entropy takes class shares in [0, 1]", assertThrows(IllegalArgumentException.class,
            () -> Trainer.builder().epochs(1).validation(below).build().fit(classes, probabilities)).getMessage());
    assertEquals("the dataset's sample 2 has target 0.5 at place 0, but the network's loss perceptron takes labels "
        + "of ±1", assertThrows(IllegalArgumentException.class, () -> Evaluation.of(signs, halfSign, 2)).getMessage());
    assertEquals(0, binary.optimizer().iterations() + classes.optimizer().iterations(), "refused before any step");
    once.fit(binary, probabilities);
    once.fit(classes, probabilities);
    Network squared = Network.create(NetworkSpec.builder().input(2).dense(2).loss(LossFunction.MEAN_SQUARED_ERROR)
        .build(), engine);
    once.fit(squared, above); // a loss of any values takes any values
    assertEquals(List.of(1L, 1L, 1L), List.of(binary.optimizer().iterations(), classes.optimizer().iterations(),
        squared.optimizer().iterations()), "each trained its one step");
  }

  /** An accuracy of data without classes is NaN every epoch, never an improvement: early stopping on it is refused. */
  @Test
  void earlyStoppingOnAnAccuracyNeedsDataWithClasses() {
    ArrayDataset regression = ArrayDataset.regression(new float[][] {{1, 2}, {2, 1}, {0, 1}},
        new float[][] {{1}, {0}, {2}});
    Network net = Network.create(NetworkSpec.builder().input(2).dense(1).loss(LossFunction.MEAN_SQUARED_ERROR)
        .build(), engine);
    for (Metric accuracy : new Metric[] {Metric.TRAINING_ACCURACY, Metric.VALIDATION_ACCURACY}) {
      Trainer t = Trainer.builder().epochs(5).validation(regression).earlyStopping(EarlyStopping.on(accuracy, 1))
          .build();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.fit(net, regression));
      assertTrue(e.getMessage().startsWith("early stopping monitors " + accuracy + ", but the ")
          && e.getMessage().endsWith("data has no classes (targets of shape [1]): monitor a loss"), e.getMessage());
    }
    History h = Trainer.builder().epochs(3).earlyStopping(EarlyStopping.on(Metric.TRAINING_LOSS, 5)).build()
        .fit(net, regression);
    assertEquals(3, h.epochs().size(), "a loss is monitored for any data");
  }

  @Test
  void resumingFromACheckpointEndsWhereAnUninterruptedRunEnds() {
    Network straight = Network.create(spec(0.01), engine);
    Trainer.builder().epochs(4).batchSize(32).seed(5).build().fit(straight, moons);

    Network first = Network.create(spec(0.01), engine);
    Trainer.builder().epochs(2).batchSize(32).seed(5).build().fit(first, moons);
    Network resumed = Network.create(spec(0.01), engine); // a fresh process: copy the checkpoint's state over
    for (int i = 0; i < first.parameters().size(); i++) {
      Parameter p = first.parameters().get(i);
      resumed.parameters().get(i).value().copyFrom(p.value().toDoubleArray());
    }
    for (Map.Entry<String, Tensor> s : first.optimizer().state().entrySet()) {
      resumed.optimizer().state().get(s.getKey()).copyFrom(s.getValue().toDoubleArray());
    }
    resumed.optimizer().restore(first.optimizer().iterations());
    Trainer.builder().epochs(4).batchSize(32).seed(5).firstEpoch(3).build().fit(resumed, moons);

    double[][] a = weights(straight);
    double[][] b = weights(resumed);
    for (int i = 0; i < a.length; i++) {
      assertArrayEquals(a[i], b[i], "parameter " + straight.parameters().get(i).name());
    }
  }

  /**
   * A batch whose values one array cannot hold (3,000,000 samples of 1,000 features: 3·10⁹ values, which wrap as an
   * int) is refused naming its size, where it failed with a NegativeArraySizeException from inside the loader.
   */
  @Test
  void aBatchTooLargeForOneArrayIsRefusedNamingItsSize() {
    Dataset large = new Dataset() { // samples made on demand: the data itself need not fit
      public int size() {
        return 3_000_000;
      }

      public Shape featureShape() {
        return Shape.of(1000);
      }

      public Shape targetShape() {
        return Shape.of(2);
      }

      public int numClasses() {
        return 2;
      }

      public int label(int index) {
        return index % 2;
      }

      public List<String> classNames() {
        return List.of("0", "1");
      }

      public void fill(int[] order, int from, int count, float[] features, float[] targets) {
        for (int i = 0; i < count; i++) {
          targets[2 * i + order[from + i] % 2] = 1;
        }
      }
    };
    Network net = Network.create(NetworkSpec.builder().input(1000).dense(2).loss(LossFunction.SOFTMAX_CROSS_ENTROPY)
        .build(), engine);
    String e = assertThrows(IllegalArgumentException.class, () -> Trainer.builder().epochs(1)
        .batchSize(Integer.MAX_VALUE).build().fit(net, large)).getMessage();
    assertTrue(e.contains("a batch of 3,000,000 samples of 1,000 features and 2 targets is 3,000,000,000 values, more "
        + "than one Java array holds"), e);
  }

  @Test
  void aBatchLargerThanTheDataIsOneBatchOfAllOfItWhateverItsSize() {
    // n + batchSize − 1 once wrapped to a negative batch count: no step was taken and the loss reported 0
    for (int batchSize : new int[] {400, 4096, Integer.MAX_VALUE - 1, Integer.MAX_VALUE}) {
      Network net = Network.create(spec(0.01), engine);
      History h = Trainer.builder().epochs(2).batchSize(batchSize).build().fit(net, moons);
      assertEquals(2, net.optimizer().iterations(), "updates with batches of " + batchSize);
      assertTrue(h.epochs().get(0).trainingLoss() > 0.1, "loss with batches of " + batchSize + ": "
          + h.epochs().get(0).trainingLoss());
    }
  }
}
