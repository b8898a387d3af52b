package org.delta4j.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.delta4j.autodiff.BlockSpec;
import org.delta4j.autodiff.Tape;
import org.delta4j.autodiff.Value;
import org.delta4j.data.ArrayDataset;
import org.delta4j.data.ByteImageDataset;
import org.delta4j.data.Dataset;
import org.delta4j.data.Normalization;
import org.delta4j.data.Split;
import org.delta4j.datasets.CsvReader;
import org.delta4j.datasets.FashionMnist;
import org.delta4j.datasets.IdxReader;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Engines;
import org.delta4j.engine.Kernels;
import org.delta4j.gradcheck.GradientChecker;
import org.delta4j.io.ModelFiles;
import org.delta4j.io.NetworkSpecJson;
import org.delta4j.io.SafeTensors;
import org.delta4j.io.SavedModel;
import org.delta4j.io.TrainingProgress;
import org.delta4j.metrics.ConfusionMatrix;
import org.delta4j.nn.BatchTensors;
import org.delta4j.nn.Inference;
import org.delta4j.nn.Layer;
import org.delta4j.nn.LayerContext;
import org.delta4j.nn.Mode;
import org.delta4j.nn.Network;
import org.delta4j.nn.Parameter;
import org.delta4j.nn.Predictor;
import org.delta4j.random.SplitMix64;
import org.delta4j.spec.ActivationFunction;
import org.delta4j.spec.BatchNorm;
import org.delta4j.spec.Conv2D;
import org.delta4j.spec.FieldReader;
import org.delta4j.spec.FieldWriter;
import org.delta4j.spec.Flatten;
import org.delta4j.spec.GlobalAveragePool2D;
import org.delta4j.spec.Initializer;
import org.delta4j.spec.KindRegistry;
import org.delta4j.spec.LayerSpec;
import org.delta4j.spec.LearningRateSchedule;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.LossSpec;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.spec.Padding;
import org.delta4j.spec.Pool2D;
import org.delta4j.spec.Window2D;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.delta4j.train.EarlyStopping;
import org.delta4j.train.EpochResult;
import org.delta4j.train.Evaluation;
import org.delta4j.train.History;
import org.delta4j.train.Metric;
import org.delta4j.train.Trainer;
import org.delta4j.train.TrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No public constructor or method of the types a user calls fails from deep inside when given one hostile argument —
 * null, an empty array, a negative, zero or huge count, a NaN or infinite number, a tensor of the wrong shape, data
 * type or engine — with the others valid: it returns, where the value is allowed, or refuses it with a message of its
 * own, as {@link HostileCalls} judges. The types swept are listed in {@link #TYPES}; the engine's kernels and the loops
 * behind them are its implementation, reached through these, and are not swept. An engine module runs it by
 * extending this class.
 */
public abstract class HostileArgumentsConformance {
  /** The types whose public constructors and methods are called. */
  static final List<Class<?>> TYPES = List.of(
      Shape.class, DataType.class, Tensor.class, Engine.class, Engines.class,
      NetworkSpec.class, NetworkSpec.Builder.class, LayerSpec.Dense.class, LayerSpec.Activation.class,
      LayerSpec.Dropout.class, Conv2D.class, Pool2D.class, GlobalAveragePool2D.class, Flatten.class, BatchNorm.class,
      Padding.class, Window2D.class, Initializer.class, ActivationFunction.class, LossFunction.class,
      OptimizerSpec.Sgd.class, OptimizerSpec.Momentum.class, OptimizerSpec.Nesterov.class, OptimizerSpec.AdaGrad.class,
      OptimizerSpec.RmsProp.class, OptimizerSpec.Adam.class, OptimizerSpec.AdamW.class,
      LearningRateSchedule.Constant.class, LearningRateSchedule.StepDecay.class,
      LearningRateSchedule.ExponentialDecay.class, LearningRateSchedule.CosineDecay.class, KindRegistry.class,
      BlockSpec.class, BlockSpec.Node.class, Network.class, Layer.class, Parameter.class, Mode.class, Predictor.class, Inference.class,
      BatchTensors.class,
      Trainer.class, Trainer.Builder.class, EarlyStopping.class, EpochResult.class, History.class, Metric.class,
      Evaluation.class, ConfusionMatrix.class, GradientChecker.class, Tape.class, Value.class,
      Dataset.class, ArrayDataset.class, ByteImageDataset.class, Split.class,
      Normalization.class, SplitMix64.class,
      ModelFiles.class, SavedModel.class, TrainingProgress.class, NetworkSpecJson.class, SafeTensors.class,
      CsvReader.class, IdxReader.class, FashionMnist.class);

  @TempDir
  Path directory;

  /** The engine under test. */
  protected abstract Engine engine();

  /** An engine other than {@link #engine()}, whose tensors this engine's network must refuse; null if none. */
  protected Engine otherEngine() {
    return null;
  }

  @Test
  void everyPublicCallRefusesAHostileArgumentByName() {
    Engine engine = engine();
    NetworkSpec spec = NetworkSpec.builder().input(4).dense(3).relu().dense(2)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).build();
    Supplier<Network> network = () -> Network.create(spec, engine);
    Supplier<ArrayDataset> dataset = () -> ArrayDataset.classification(
        new float[][] {{1, 2, 3, 4}, {4, 3, 2, 1}, {0, 1, 0, 1}, {1, 0, 1, 0}}, new int[] {0, 1, 0, 1}, 2);
    Supplier<Tensor> batch = () -> engine.tensor(DataType.FLOAT32, Shape.of(2, 4), 1, 2, 3, 4, 5, 6, 7, 8);
    Tape tape = new Tape(engine, DataType.FLOAT32); // a value's operands must be of its tape
    Supplier<Value> value = () -> tape.variable(batch.get());
    Supplier<Tensor> targets = () -> engine.tensor(DataType.FLOAT32, Shape.of(2, 2), 1, 0, 0, 1);
    Supplier<Network> network64 = () -> Network.create(spec, engine, DataType.FLOAT64); // for gradient checks
    Supplier<Tensor> batch64 = () -> engine.tensor(DataType.FLOAT64, Shape.of(2, 4), 1, 2, 3, 4, 5, 6, 7, 8);
    Supplier<Tensor> targets64 = () -> engine.tensor(DataType.FLOAT64, Shape.of(2, 2), 1, 0, 0, 1);
    HostileCalls calls = new HostileCalls()
        .valid(Engine.class, () -> engine)
        .valid(String.class, () -> "x", () -> "layer", () -> "dense", engine::name, () -> NetworkSpecJson.write(spec))
        .valid(Shape.class, () -> Shape.of(2, 4), () -> Shape.of(4), () -> Shape.of(2, 6, 6))
        .valid(int[].class, () -> new int[] {4}, () -> new int[] {0, 1}, () -> new int[] {2, 4})
        .valid(float[].class, () -> new float[] {1, 2, 3, 4, 5, 6, 7, 8}, () -> new float[] {1, 2, 3, 4})
        .valid(double[].class, () -> new double[] {1, 2, 3, 4, 5, 6, 7, 8}, () -> new double[] {1, 2, 3, 4})
        .valid(float[][].class, () -> new float[][] {{1, 2, 3, 4}, {4, 3, 2, 1}}, () -> new float[][] {{1, 0}, {0, 1}})
        .valid(int.class, () -> 1, () -> 0, () -> 2)
        .valid(Tensor.class, batch, targets, batch64, targets64)
        .valid(Network.class, network, network64)
        .valid(NetworkSpec.class, () -> spec)
        .valid(Dataset.class, dataset)
        .valid(ArrayDataset.class, dataset)
        .valid(Mode.class, Mode::inference)
        .valid(LayerSpec.class, () -> new LayerSpec.Dense(3))
        .valid(LossSpec.class, () -> LossFunction.SOFTMAX_CROSS_ENTROPY)
        .valid(OptimizerSpec.class, () -> new OptimizerSpec.Sgd(0.1))
        .valid(LearningRateSchedule.class, LearningRateSchedule.Constant::new)
        .valid(Initializer.class, Initializer::heUniform)
        .valid(Padding.class, () -> Padding.VALID)
        .valid(Window2D.class, () -> Window2D.square(2, Padding.VALID))
        .valid(KindRegistry.class, KindRegistry::standard)
        .valid(Layer.class, () -> network.get().layers().get(0), () -> network64.get().layers().get(0))
        .valid(Parameter.class, () -> network.get().parameters().get(0))
        .valid(Normalization.class, Normalization::unitRange)
        .valid(SplitMix64.class, () -> new SplitMix64(1))
        .valid(EarlyStopping.class, () -> EarlyStopping.on(Metric.TRAINING_LOSS, 2))
        .valid(TrainingListener.class, () -> new TrainingListener() { })
        .valid(TrainingProgress.class, TrainingProgress::none)
        .valid(ConfusionMatrix.class, () -> new ConfusionMatrix(2))
        .valid(Path.class, () -> saved(network.get()))
        .valid(List.class, List::of)
        .valid(Map.class, Map::of)
        .valid(Function.class, () -> name -> null)
        .valid(Supplier.class, () -> () -> null)
        .valid(Runnable.class, () -> () -> { })
        .valid(Value.class, value, () -> tape.variable(engine.zeros(DataType.FLOAT32, Shape.of(4, 2))))
        .valid(ClassLoader.class, () -> getClass().getClassLoader())
        .hostile(Shape.class, () -> Shape.of(1), () -> Shape.of(1 << 16, 1 << 16))
        .hostile(Tensor.class, () -> engine.zeros(DataType.FLOAT32, Shape.of(3)),
            () -> engine.zeros(DataType.FLOAT64, Shape.of(2, 4)),
            () -> otherEngine() == null ? null : otherEngine().zeros(DataType.FLOAT32, Shape.of(2, 4)))
        .hostile(int[].class, () -> new int[] {-1}, () -> new int[] {Integer.MAX_VALUE}, () -> new int[] {1 << 16, 1 << 16})
        .hostile(Dataset.class, () -> ArrayDataset.classification(new float[][] {{1, 2, 3}}, new int[] {0}, 2),
            () -> ArrayDataset.regression(new float[][] {{1, 2, 3, 4}}, new float[][] {{1}}))
        .hostile(Network.class, () -> Network.create(NetworkSpec.builder().input(3).dense(2)
            .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).build(), engine),
            () -> otherEngine() == null ? null : Network.create(spec, otherEngine()))
        .hostile(Value.class, () -> new Tape(engine, DataType.FLOAT32).variable(batch.get()),
            () -> tape.variable(engine.zeros(DataType.FLOAT32, Shape.of(3))))
        .hostile(Path.class, () -> directory.resolve("absent"), () -> directory)
        .receivers(Tensor.class, batch, () -> engine.zeros(DataType.FLOAT64, Shape.of(2, 4)))
        .receivers(Shape.class, () -> Shape.of(2, 4))
        .receivers(Engine.class, () -> engine)
        .receivers(Engines.class, Engines::defaults)
        .receivers(NetworkSpec.class, () -> spec)
        .receivers(NetworkSpec.Builder.class, () -> NetworkSpec.builder().input(4))
        .receivers(LayerSpec.Dense.class, () -> new LayerSpec.Dense(3))
        .receivers(LayerSpec.Activation.class, () -> (LayerSpec.Activation) spec.layers().get(1))
        .receivers(LayerSpec.Dropout.class, () -> new LayerSpec.Dropout(0.5))
        .receivers(Conv2D.class, () -> new Conv2D(2, 3, Padding.SAME))
        .receivers(Pool2D.class, () -> new Pool2D(Pool2D.Kind.MAX, 2))
        .receivers(GlobalAveragePool2D.class, GlobalAveragePool2D::new)
        .receivers(Flatten.class, Flatten::new)
        .receivers(BatchNorm.class, BatchNorm::new)
        .receivers(BlockSpec.class, () -> new BlockSpec(BlockSpec.Node.of(new LayerSpec.Dense(3), "input")))
        .receivers(BlockSpec.Node.class, () -> BlockSpec.Node.of(new LayerSpec.Dense(3), "input"))
        .receivers(Padding.class, () -> Padding.SAME)
        .receivers(Window2D.class, () -> Window2D.square(3, Padding.SAME))
        .receivers(Initializer.class, Initializer::heNormal)
        .receivers(OptimizerSpec.Sgd.class, () -> new OptimizerSpec.Sgd(0.1))
        .receivers(OptimizerSpec.Momentum.class, () -> new OptimizerSpec.Momentum(0.1, 0.9))
        .receivers(OptimizerSpec.Nesterov.class, () -> new OptimizerSpec.Nesterov(0.1, 0.9))
        .receivers(OptimizerSpec.AdaGrad.class, () -> new OptimizerSpec.AdaGrad(0.1))
        .receivers(OptimizerSpec.RmsProp.class, () -> new OptimizerSpec.RmsProp(0.1))
        .receivers(OptimizerSpec.Adam.class, () -> new OptimizerSpec.Adam(0.1))
        .receivers(OptimizerSpec.AdamW.class, () -> new OptimizerSpec.AdamW(0.1, 0.01))
        .receivers(LearningRateSchedule.Constant.class, LearningRateSchedule.Constant::new)
        .receivers(LearningRateSchedule.StepDecay.class, () -> new LearningRateSchedule.StepDecay(10, 0.5))
        .receivers(LearningRateSchedule.ExponentialDecay.class,
            () -> new LearningRateSchedule.ExponentialDecay(10, 0.5))
        .receivers(LearningRateSchedule.CosineDecay.class, () -> new LearningRateSchedule.CosineDecay(10, 0.1))
        .receivers(KindRegistry.class, KindRegistry::standard)
        .receivers(Network.class, network)
        .receivers(Layer.class, () -> network.get().layers().get(0))
        .receivers(Parameter.class, () -> network.get().parameters().get(0))
        .receivers(Mode.class, Mode::inference)
        .receivers(BatchTensors.class, () -> new BatchTensors(engine, DataType.FLOAT32, Shape.of(4)))
        .receivers(Predictor.class, () -> network.get().predictor())
        .receivers(Trainer.class, () -> Trainer.builder().epochs(1).build())
        .receivers(Trainer.Builder.class, Trainer::builder)
        .receivers(EarlyStopping.class, () -> EarlyStopping.on(Metric.TRAINING_LOSS, 2))
        .receivers(EpochResult.class, () -> new EpochResult(1, 0.5, 0.5, Double.NaN, Double.NaN, 0.1, 1))
        .receivers(History.class, () -> new History(List.of(new EpochResult(1, 0.5, 0.5, 0.5, 0.5, 0.1, 1)), false, 1))
        .receivers(Evaluation.class, () -> Evaluation.of(network.get(), dataset.get(), 2))
        .receivers(SavedModel.class, () -> new SavedModel(network.get(), TrainingProgress.none()))
        .receivers(TrainingProgress.class, TrainingProgress::none)
        .receivers(Split.class, () -> Split.of(dataset.get(), 0.5, 1))
        .receivers(ConfusionMatrix.class, () -> ConfusionMatrix.of(new int[] {0, 1}, new int[] {1, 1}, 2))
        .receivers(GradientChecker.class, GradientChecker::new)
        .receivers(Tape.class, () -> tape)
        .receivers(Value.class, value)
        .receivers(Dataset.class, dataset)
        .receivers(ArrayDataset.class, dataset)
        .receivers(ByteImageDataset.class, () -> new ByteImageDataset(new byte[] {1, 2, 3, 4, 5, 6, 7, 8},
            Shape.of(4), new int[] {0, 1}, List.of("a", "b"), Normalization.unitRange()))
        .receivers(Normalization.class, Normalization::unitRange)
        .receivers(SplitMix64.class, () -> new SplitMix64(1))
        .supplied(FieldWriter.class, FieldReader.class, LayerContext.class, Kernels.class)
        .skip(FashionMnist.class, "download") // fetches the data set over the network
        .skip(FashionMnist.class, "load") // null is the documented default location: reads the whole data set there
        .sweep(TYPES.toArray(Class<?>[]::new));
    assertTrue(calls.problems().isEmpty(), calls.problems().size() + " of " + calls.calls()
        + " calls failed badly:\n" + String.join("\n", calls.problems()));
  }

  private Path saved(Network network) {
    try {
      Path file = Files.createTempDirectory(directory, "model").resolve("model");
      ModelFiles.save(network, file);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
