package org.delta4j.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.delta4j.autodiff.BlockSpec;
import org.delta4j.data.ArrayDataset;
import org.delta4j.data.Split;
import org.delta4j.engine.Engine;
import org.delta4j.engine.ref.RefEngine;
import org.delta4j.io.ModelFiles;
import org.delta4j.io.NetworkSpecJson;
import org.delta4j.io.SavedModel;
import org.delta4j.io.TrainingProgress;
import org.delta4j.nn.Network;
import org.delta4j.random.SplitMix64;
import org.delta4j.spec.ActivationFunction;
import org.delta4j.spec.KindRegistry;
import org.delta4j.spec.LayerSpec;
import org.delta4j.spec.LearningRateSchedule;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerKind;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.spec.Padding;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.train.EarlyStopping;
import org.delta4j.train.EpochResult;
import org.delta4j.train.History;
import org.delta4j.train.Metric;
import org.delta4j.train.Trainer;
import org.delta4j.train.TrainingListener;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A run of E epochs equals, bit for bit, k epochs saved to a file, loaded in a fresh network and resumed for E − k:
 * the weights, the buffers (batch norm's running statistics), the optimizer's state and update count, and every
 * epoch's losses and accuracies. For every registered optimizer under every schedule, in FLOAT32 and FLOAT64, with
 * batch norm and dropout (whose masks follow the update count), a validation split, early stopping that restores the
 * best epoch, and convolutional and block networks. A saved file is also the same bytes saved again after a load, and
 * loads on the reference engine to the same weights. An engine module runs it by extending this class.
 */
public abstract class ResumeConformance {
  static final int EPOCHS = 3;
  static final int BATCH = 16;
  static final long SEED = 21;

  @TempDir
  Path dir;

  /** The engine under test. */
  protected abstract Engine engine();

  /** 72 samples of 16 features in 3 classes, the class a function of the features (so that training moves). */
  static ArrayDataset data() {
    SplitMix64 r = new SplitMix64(3);
    float[][] x = new float[72][16];
    int[] y = new int[x.length];
    for (int i = 0; i < x.length; i++) {
      double s = 0;
      for (int j = 0; j < 16; j++) {
        x[i][j] = (float) r.nextGaussian();
        s += (j % 3 - 1) * x[i][j];
      }
      y[i] = s < -1 ? 0 : s < 1 ? 1 : 2;
    }
    return ArrayDataset.classification(x, y, 3);
  }

  static NetworkSpec dense(OptimizerSpec optimizer) {
    return NetworkSpec.builder().input(16).dense(12).batchNorm().relu().dropout(0.3).dense(3)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).optimizer(optimizer).seed(5).build();
  }

  static Stream<Arguments> optimizersAndSchedules() {
    List<LearningRateSchedule> schedules = List.of(new LearningRateSchedule.Constant(),
        new LearningRateSchedule.StepDecay(4, 0.5), new LearningRateSchedule.ExponentialDecay(3, 0.8),
        new LearningRateSchedule.CosineDecay(EPOCHS * 4, 0.1));
    List<Arguments> cases = new ArrayList<>();
    for (OptimizerKind kind : KindRegistry.standard().optimizerKinds()) {
      for (LearningRateSchedule s : schedules) {
        for (DataType type : DataType.values()) {
          cases.add(Arguments.of(kind.type(), s, type));
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}, {1}, {2}")
  @MethodSource("optimizersAndSchedules")
  void everyOptimizerUnderEveryScheduleResumesBitForBit(String optimizer, LearningRateSchedule schedule,
      DataType type) throws IOException {
    NetworkSpec spec = dense(NetworkSpecJson.optimizer(optimizer, 0.02, schedule));
    Split split = Split.of(data(), 0.25, 9);
    resumesAsTheUninterruptedRun(spec, type, split, Trainer.builder().validation(split.validation()), 1);
  }

  static Stream<Arguments> layouts() {
    NetworkSpec conv = NetworkSpec.builder().input(1, 4, 4).conv2d(3, 3, Padding.SAME).batchNorm().relu().maxPool(2)
        .flatten().dropout(0.2).dense(3).loss(LossFunction.SOFTMAX_CROSS_ENTROPY)
        .optimizer(new OptimizerSpec.Adam(0.01)).seed(6).build();
    BlockSpec residual = new BlockSpec(
        BlockSpec.Node.of(new LayerSpec.Dense(8), BlockSpec.INPUT),
        BlockSpec.Node.of(new LayerSpec.Activation(ActivationFunction.RELU), "dense1"),
        BlockSpec.Node.of(new LayerSpec.Dense(8), "relu1"),
        BlockSpec.Node.of(new LayerSpec.Activation(ActivationFunction.RELU), "dense2", BlockSpec.INPUT));
    NetworkSpec block = NetworkSpec.builder().input(16).dense(8).layer(residual).dropout(0.25).dense(3)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).optimizer(new OptimizerSpec.Momentum(0.05, 0.9, 1e-3,
            new LearningRateSchedule.Constant())).seed(7).build();
    List<Arguments> cases = new ArrayList<>();
    for (DataType type : DataType.values()) {
      cases.add(Arguments.of("convolutional", conv, type));
      cases.add(Arguments.of("block", block, type));
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}, {2}")
  @MethodSource("layouts")
  void convolutionalAndBlockNetworksResumeBitForBit(String name, NetworkSpec spec, DataType type)
      throws IOException {
    Split split = Split.of(data(), 0.25, 9);
    for (int k = 1; k < EPOCHS; k++) {
      resumesAsTheUninterruptedRun(spec, type, split, Trainer.builder().validation(split.validation()), k);
    }
  }

  /**
   * Early stopping on the validation loss, restoring the best epoch: resumed after each epoch of the run, with the
   * history and (when the best epoch is not the last saved) the model a listener saved at the best epoch, the resumed
   * run stops at the same epoch and restores the same weights.
   */
  @ParameterizedTest
  @EnumSource(DataType.class)
  void earlyStoppingResumedAfterAnyEpochStopsAndRestoresAsTheUninterruptedRun(DataType type) throws IOException {
    NetworkSpec spec = dense(new OptimizerSpec.Adam(0.3)); // a rate this high makes the validation loss wander
    Split split = Split.of(data(), 0.25, 9);
    EarlyStopping stopping = EarlyStopping.on(Metric.VALIDATION_LOSS, 2);
    Network straight = Network.create(spec, engine(), type);
    History all = Trainer.builder().epochs(40).batchSize(BATCH).seed(SEED).validation(split.validation())
        .earlyStopping(stopping).build().fit(straight, split.training());
    int stopped = all.epochs().size();
    assertTrue(all.stoppedEarly() && all.bestEpoch() < stopped - 1 && stopped > 3,
        "a run that stops early some epochs after its best, to resume in between: best " + all.bestEpoch() + " of "
            + stopped);
    for (int k = 1; k < stopped; k++) {
      Network first = Network.create(spec, engine(), type);
      Path checkpoint = dir.resolve("checkpoint.safetensors");
      Path best = dir.resolve("best.safetensors");
      Trainer.builder().epochs(k).batchSize(BATCH).seed(SEED).validation(split.validation())
          .listener(saving(checkpoint, best, stopping)).build().fit(first, split.training());
      SavedModel saved = ModelFiles.load(checkpoint, engine());
      List<EpochResult> earlier = saved.progress().history();
      int bestSoFar = stopping.bestEpoch(earlier);
      Trainer.Builder resumed = Trainer.builder().epochs(40).batchSize(BATCH).seed(SEED)
          .validation(split.validation()).earlyStopping(stopping).firstEpoch(k + 1).history(earlier);
      if (bestSoFar < k) {
        resumed.bestModel(ModelFiles.load(best, engine()).network());
      }
      History rest = resumed.build().fit(saved.network(), split.training());
      assertEquals(all.bestEpoch(), rest.bestEpoch(), "resumed after epoch " + k);
      assertEquals(stopped, rest.last().epoch(), "resumed after epoch " + k);
      assertTrue(rest.stoppedEarly());
      assertSameModel(straight, saved.network(), "resumed after epoch " + k);
    }
  }

  /**
   * Saves a checkpoint after every epoch, and the model of the best epoch so far whenever the epoch is the best, as a
   * run that will be resumed with early stopping keeps them.
   */
  private static TrainingListener saving(Path checkpoint, Path best, EarlyStopping stopping) {
    List<EpochResult> history = new ArrayList<>();
    return new TrainingListener() {
      @Override
      public void onEpochEnd(Network n, EpochResult r) {
        history.add(r);
        try {
          ModelFiles.save(n, new TrainingProgress(r.epoch(), history), checkpoint);
          if (stopping != null && stopping.bestEpoch(history) == r.epoch()) {
            ModelFiles.save(n, new TrainingProgress(r.epoch(), history), best);
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
  }

  /**
   * Trains {@code spec} for {@link #EPOCHS} epochs straight, and for {@code k} epochs, saved, loaded and resumed for
   * the rest, with the options of {@code options}; both end with the same model and the same epochs' results.
   */
  private void resumesAsTheUninterruptedRun(NetworkSpec spec, DataType type, Split split, Trainer.Builder options,
      int k) throws IOException {
    Network straight = Network.create(spec, engine(), type);
    History all = options.epochs(EPOCHS).batchSize(BATCH).seed(SEED).build().fit(straight, split.training());

    Path checkpoint = dir.resolve("checkpoint-" + k + ".safetensors");
    Network first = Network.create(spec, engine(), type);
    options.epochs(k).listener(saving(checkpoint, null, null)).build().fit(first, split.training());
    SavedModel saved = ModelFiles.load(checkpoint, engine());
    assertEquals(type, saved.network().dataType());
    History rest = Trainer.builder().epochs(EPOCHS).batchSize(BATCH).seed(SEED).validation(split.validation())
        .firstEpoch(saved.progress().completedEpochs() + 1).build().fit(saved.network(), split.training());

    List<EpochResult> resumed = new ArrayList<>(saved.progress().history());
    resumed.addAll(rest.epochs());
    assertEquals(EPOCHS, resumed.size());
    for (int e = 0; e < EPOCHS; e++) {
      EpochResult a = all.epochs().get(e);
      EpochResult b = resumed.get(e);
      assertArrayEquals(new double[] {a.trainingLoss(), a.trainingAccuracy(), a.validationLoss(),
          a.validationAccuracy(), a.learningRate()}, new double[] {b.trainingLoss(), b.trainingAccuracy(),
          b.validationLoss(), b.validationAccuracy(), b.learningRate()}, "epoch " + (e + 1) + " resumed after " + k);
    }
    assertSameModel(straight, saved.network(), spec.summary() + ", " + type + ", resumed after epoch " + k);
  }

  /** The parameters, buffers, optimizer state and update count of {@code a} and {@code b} are the same bits. */
  static void assertSameModel(Network a, Network b, String what) {
    for (int i = 0; i < a.parameters().size(); i++) {
      assertArrayEquals(a.parameters().get(i).value().toDoubleArray(), b.parameters().get(i).value().toDoubleArray(),
          what + ": " + a.parameters().get(i).name());
    }
    a.buffers().forEach((name, t) -> assertArrayEquals(t.toDoubleArray(), b.buffers().get(name).toDoubleArray(),
        what + ": " + name));
    a.optimizer().state().forEach((name, t) -> assertArrayEquals(t.toDoubleArray(),
        b.optimizer().state().get(name).toDoubleArray(), what + ": " + name));
    assertEquals(a.optimizer().iterations(), b.optimizer().iterations(), what + ": updates");
  }

  /**
   * A trained model saved, loaded and saved again is the same bytes; loaded on the reference engine it holds the same
   * values and saves to the same bytes once more, so a file does not depend on the engine that wrote it.
   */
  @ParameterizedTest
  @EnumSource(DataType.class)
  void aSavedModelLoadsAndSavesToTheSameBytesOnThisEngineAndTheReference(DataType type) throws IOException {
    Network net = Network.create(dense(new OptimizerSpec.Adam(0.01)), engine(), type);
    Split split = Split.of(data(), 0.25, 9);
    List<EpochResult> history = Trainer.builder().epochs(2).batchSize(BATCH).validation(split.validation()).build()
        .fit(net, split.training()).epochs();
    Path file = dir.resolve("model.safetensors");
    ModelFiles.save(net, new TrainingProgress(2, history), "{\"run\": 1}", file);
    byte[] written = Files.readAllBytes(file);
    for (Engine onto : List.of(engine(), new RefEngine())) {
      SavedModel loaded = ModelFiles.load(file, onto);
      assertSameModel(net, loaded.network(), "loaded on " + onto.name());
      Path again = dir.resolve("again-" + onto.name() + ".safetensors");
      ModelFiles.save(loaded.network(), loaded.progress(), ModelFiles.runConfiguration(file), again);
      assertArrayEquals(written, Files.readAllBytes(again), "saved again after a load on " + onto.name());
      double[] rows = new double[2 * 16];
      for (int i = 0; i < rows.length; i++) {
        rows[i] = i % 7 - 3.5 + i / 16;
      }
      double[] p = loaded.network().probabilities(onto.tensor(type, Shape.of(2, 16), rows)).toDoubleArray();
      double[] expected = net.probabilities(engine().tensor(type, Shape.of(2, 16), rows)).toDoubleArray();
      Tolerances t = Tolerances.of(type);
      for (int i = 0; i < p.length; i++) {
        assertTrue(t.agree(expected[i], p[i]), "probability " + i + " on " + onto.name() + ": " + p[i] + " vs "
            + expected[i] + " on " + engine().name());
      }
    }
  }
}
