package org.delta4j.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.delta4j.autodiff.BlockSpec;
import org.delta4j.autodiff.Scope;
import org.delta4j.autodiff.Tape;
import org.delta4j.autodiff.TapeKinds;
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
import org.delta4j.gradcheck.GradientCheckResult;
import org.delta4j.gradcheck.GradientChecker;
import org.delta4j.io.ModelFiles;
import org.delta4j.io.NetworkSpecJson;
import org.delta4j.io.SafeTensors;
import org.delta4j.io.SavedModel;
import org.delta4j.io.TrainingProgress;
import org.delta4j.metrics.ConfusionMatrix;
import org.delta4j.nn.BatchTensors;
import org.delta4j.nn.Inference;
import org.delta4j.nn.KernelLoss;
import org.delta4j.nn.Layer;
import org.delta4j.nn.LayerContext;
import org.delta4j.nn.Loss;
import org.delta4j.nn.Mode;
import org.delta4j.nn.Network;
import org.delta4j.nn.Optimizer;
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
import org.delta4j.spec.InvalidSpecException;
import org.delta4j.spec.KindRegistry;
import org.delta4j.spec.LayerSpec;
import org.delta4j.spec.LearningRateSchedule;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.LossSpec;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.spec.ParameterSpec;
import org.delta4j.spec.Padding;
import org.delta4j.spec.Pool2D;
import org.delta4j.spec.SpecRules;
import org.delta4j.spec.Window2D;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.NonFinite;
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
      BatchTensors.class, Loss.class, KernelLoss.class, Optimizer.class, ParameterSpec.class,
      InvalidSpecException.class, TapeKinds.TapeActivation.class, GradientCheckResult.class, NonFinite.class,
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
    Supplier<Value> image = () -> tape.variable(ramp(engine, DataType.FLOAT32, Shape.of(2, 3, 6, 6)));
    Supplier<Network> trained = () -> { // a network that has run a forward pass in training mode
      Network n = network.get();
      n.forward(batch.get(), Mode.training(1));
      return n;
    };
    List<Supplier<Layer>> layers = builtInLayers(engine);
    HostileCalls calls = new HostileCalls().own(engine.getClass())
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
        .valid(Value.class, value, () -> tape.variable(engine.zeros(DataType.FLOAT32, Shape.of(4, 2))), image,
            () -> tape.variable(ramp(engine, DataType.FLOAT32, Shape.of(2, 3, 2, 2))), // kernels for the image
            () -> tape.variable(ramp(engine, DataType.FLOAT32, Shape.of(3)))) // one bias per channel of it
        .valid(BlockSpec.Node.class, () -> BlockSpec.Node.of(new LayerSpec.Dense(3), BlockSpec.INPUT))
        .working(Shape.class, "checkValueCount", shape -> new Object[] {shape.intSize()})
        .working(DataType.class, "named", none -> new Object[] {"float64"})
        .working(NetworkSpec.class, "<init>", none -> new Object[] {spec.input(), spec.layers(), spec.loss(),
            spec.optimizer(), spec.seed()})
        .working(LayerSpec.Dense.class, "<init>", none -> new Object[] {"dense", 3, Initializer.heUniform(),
            Initializer.zeros(), true})
        .working(KindRegistry.class, "lossKind", none -> new Object[] {spec.loss().type(), "loss"})
        .working(KindRegistry.class, "optimizerKind", none -> new Object[] {spec.optimizer().type(), "optimizer"})
        .working(BlockSpec.class, "<init>", none -> new Object[] {"block",
            List.of(BlockSpec.Node.of(new LayerSpec.Dense(3).withName("d"), BlockSpec.INPUT)), "d"})
        .working(BlockSpec.Node.class, "<init>", none -> new Object[] {new LayerSpec.Dense(3),
            List.of(BlockSpec.INPUT), BlockSpec.Merge.ADD})
        .working(Network.class, "parameter", n -> new Object[] {n.parameters().get(0).name()})
        .working(Layer.class, "checkOutput", none -> checked(layers.get(0).get(), false, engine, false))
        .working(Layer.class, "checkOutput", none -> checked(layers.get(0).get(), false, engine, true))
        .working(Layer.class, "checkInputGradient", none -> checked(layers.get(0).get(), true, engine, true))
        .working(Layer.class, "backward", layer -> new Object[] {gradient(layer, 2, engine, DataType.FLOAT32), true})
        .hostileArguments(Layer.class, "backward", layer -> new Object[] {gradient(layer, 3, engine, DataType.FLOAT32),
            true}) // a batch of another size than the forward pass's
        .hostileArguments(Layer.class, "backward", layer -> new Object[] {gradient(layer, 2, engine,
            DataType.FLOAT64), true})
        .hostileArguments(Layer.class, "backward", layer -> new Object[] {otherEngine() == null ? null
            : gradient(layer, 2, otherEngine(), DataType.FLOAT32), true})
        .hostileArguments(Layer.class, "backward", layer -> new Object[] {ramp(engine, DataType.FLOAT32,
            Shape.of(2, Math.toIntExact(layer.outputShape().size()) + 1)), false}) // another sample shape
        .refusing(Layer.class, "backward")
        .refusing(Network.class, "backward")
        .working(Tape.class, "backward", t -> new Object[] {t.variable(batch.get()).sum()})
        .working(Value.class, "slice", v -> new Object[] {1, 0, 2})
        .working(ArrayDataset.class, "classification", none -> new Object[] {new float[] {1, 2, 3, 4, 5, 6, 7, 8},
            Shape.of(4), new int[] {0, 1}, 2, List.of("a", "b")})
        .working(ArrayDataset.class, "adopting", none -> new Object[] {new float[] {1, 2, 3, 4, 5, 6, 7, 8},
            Shape.of(4), new int[] {0, 1}, 2, List.of("a", "b")})
        .working(ByteImageDataset.class, "<init>", none -> new Object[] {new byte[] {1, 2, 3, 4, 5, 6, 7, 8},
            Shape.of(4), new int[] {0, 1}, List.of("a", "b"), Normalization.unitRange()})
        .working(NetworkSpecJson.class, "optimizer", none -> new Object[] {"adam", 0.01,
            new LearningRateSchedule.Constant()})
        .working(NetworkSpecJson.class, "readFile", none -> new Object[] {written("spec.json",
            NetworkSpecJson.write(spec))})
        .working(NetworkSpecJson.class, "readLayer", none -> new Object[] {NetworkSpecJson.writeLayer(
            new LayerSpec.Dense(3))})
        .working(NetworkSpecJson.class, "readLoss", none -> new Object[] {NetworkSpecJson.writeLoss(spec.loss())})
        .working(NetworkSpecJson.class, "readOptimizer", none -> new Object[] {NetworkSpecJson.writeOptimizer(
            spec.optimizer())})
        .working(CsvReader.class, "classification", none -> new Object[] {written("classes.csv",
            "a,b,label\n1,2,x\n3,4,y\n"), -1, true})
        .working(CsvReader.class, "labelledSamples", none -> new Object[] {written("samples.csv",
            "a,b,label\n1,2,x\n3,4,x\n"), -1, true})
        .working(CsvReader.class, "regression", none -> new Object[] {written("targets.csv",
            "a,b,t\n1,2,0.5\n3,4,1.5\n"), new int[] {2}, true})
        .working(IdxReader.class, "read", none -> new Object[] {idx("bytes-idx1-ubyte")})
        .working(IdxReader.class, "read", none -> new Object[] {idx("bytes-idx1-ubyte"), 2, "a matrix of bytes"})
        .working(FashionMnist.class, "locate", none -> new Object[] {fashionMnistLike()})
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
        .receivers(Network.class, network, trained)
        .receivers(Layer.class, layers.toArray(Supplier[]::new))
        .hostileReceivers(Network.class, network) // before any forward pass: its backward pass must be refused
        .hostileReceivers(Layer.class, unforwarded(engine).toArray(Supplier[]::new))
        .receivers(Loss.class, () -> network.get().loss(), () -> new TapeKinds.TapeSoftmaxCrossEntropy().build(engine,
            DataType.FLOAT32)) // a kernel's loss and one written forward-only
        .working(Loss.class, "compute", loss -> new Object[] {targets.get(), targets.get(), targets.get()})
        .receivers(KernelLoss.class, () -> new KernelLoss(LossFunction.SQUARED_ERROR, engine.kernels()))
        .working(KernelLoss.class, "compute", loss -> new Object[] {targets.get(), targets.get(), targets.get()})
        .receivers(Optimizer.class, () -> network.get().optimizer())
        .receivers(ParameterSpec.class, () -> ParameterSpec.of("weight", Shape.of(2), Initializer.zeros()))
        .receivers(InvalidSpecException.class, () -> new InvalidSpecException(List.of(new SpecRules.Problem(0,
            "units", "units must be at least 1, got 0"))))
        .receivers(TapeKinds.TapeActivation.class, () -> new TapeKinds.TapeActivation(ActivationFunction.RELU))
        .receivers(GradientCheckResult.class, () -> new GradientCheckResult(0, "", Map.of("input", 0.0)))
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
        .receivers(Value.class, value, image)
        .receivers(Dataset.class, dataset)
        .receivers(ArrayDataset.class, dataset)
        .receivers(ByteImageDataset.class, () -> new ByteImageDataset(new byte[] {1, 2, 3, 4, 5, 6, 7, 8},
            Shape.of(4), new int[] {0, 1}, List.of("a", "b"), Normalization.unitRange()))
        .receivers(Normalization.class, Normalization::unitRange)
        .receivers(SplitMix64.class, () -> new SplitMix64(1))
        .supplied(FieldWriter.class, FieldReader.class, LayerContext.class, Kernels.class, Scope.class)
        .skip(FashionMnist.class, "download") // fetches the data set over the network
        .skip(FashionMnist.class, "load") // null is the documented default location: reads the whole data set there
        .sweep(TYPES.toArray(Class<?>[]::new));
    assertTrue(calls.problems().isEmpty(), calls.problems().size() + " of " + calls.calls()
        + " calls failed badly:\n" + String.join("\n", calls.problems()));
    // a call whose hostile arguments are tried only beside others it refuses is not tested: each is given working ones
    List<String> untested = calls.uncovered().stream().filter(u -> !u.endsWith(HostileCalls.SUPPLIED_ONLY)).toList();
    assertTrue(untested.isEmpty(), "no working arguments for:\n" + String.join("\n", untested));
  }

  /**
   * A convolution whose work memory the heap cannot give is refused as an {@link IllegalStateException} that names its
   * window and how much it needs and says how to give Java more, never an {@link OutOfMemoryError}, and the engine
   * keeps nothing half made: the next pass is refused alike. The engines compute a convolution from column matrices on
   * the heap (the reference engine's buffers; the nd4j engine's copy of one image's), 3 GiB for one of these images,
   * and the build's tests run on a heap of 2 GiB (-Xmx2g).
   */
  @Test
  void aConvolutionTheHeapCannotHoldIsRefusedNamingItsWindow() {
    assumeTrue(Runtime.getRuntime().maxMemory() < 2_900L << 20, "a heap that cannot hold a column matrix of 3 GiB");
    // padded to keep the image's size, 10⁶ taps at each of 28 × 28 positions
    Network network = Network.create(NetworkSpec.builder().input(1, 28, 28).conv2d(1, 1_000, Padding.SAME).flatten()
        .dense(2).loss(LossFunction.SOFTMAX_CROSS_ENTROPY).build(), engine());
    Tensor image = engine().zeros(DataType.FLOAT32, Shape.of(1, 1, 28, 28));
    for (Mode mode : new Mode[] {Mode.inference(), Mode.training(1), Mode.inference()}) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> network.forward(image, mode));
      // the network names the layer in front of the kernel's words (see Network's forward pass)
      assertTrue(e.getMessage().startsWith("layer 'conv2d1' (") && e.getMessage().contains("convolution: ")
          && e.getMessage().contains("1000×1000 window at 28×28 positions") && e.getMessage().contains("MiB, more "
          + "than Java could give") && e.getMessage().contains("-Xmx"), e.getMessage());
    }
  }

  /**
   * A second backward pass after one forward pass differentiates that pass again: it gives the first's input gradient
   * and adds the first's parameter gradients once more, or it is refused, as by a layer that lets go of its forward
   * pass after the first; it never differentiates what the first backward pass left behind.
   */
  @Test
  void aSecondBackwardPassGivesTheFirstsGradientsOrIsRefused() {
    for (Supplier<Layer> forwarded : builtInLayers(engine())) {
      Layer layer = forwarded.get();
      String which = layer.name() + " (" + layer.getClass().getSimpleName() + ")";
      Tensor dy = gradient(layer, 2, engine(), DataType.FLOAT32);
      double[] first = layer.backward(dy, true).toDoubleArray();
      List<double[]> firstParameters = layer.parameters().stream().map(p -> p.gradient().toDoubleArray()).toList();
      Tensor again;
      try {
        again = layer.backward(dy, true);
      } catch (IllegalStateException refused) {
        continue;
      }
      assertArrayEquals(first, again.toDoubleArray(), 1e-6, which + ": the second input gradient");
      for (int i = 0; i < firstParameters.size(); i++) {
        double[] twice = Arrays.stream(firstParameters.get(i)).map(g -> 2 * g).toArray();
        assertArrayEquals(twice, layer.parameters().get(i).gradient().toDoubleArray(), 1e-5,
            which + ": parameter " + layer.parameters().get(i).name() + "'s gradient after two backward passes");
      }
    }
  }

  /** Specs whose layers are, between them, every built-in kind, each on an input it takes. */
  private static List<NetworkSpec> layerSpecs() {
    NetworkSpec.Builder image = NetworkSpec.builder().input(3, 6, 6);
    return List.of(
        NetworkSpec.builder().input(4).dense(3).relu().dropout(0.5).layer(new BlockSpec(
            BlockSpec.Node.of(new LayerSpec.Dense(3), BlockSpec.INPUT))).dense(2)
            .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).build(),
        image.conv2d(2, 3, Padding.SAME).batchNorm().relu().maxPool(2).flatten().dense(2)
            .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).build(),
        NetworkSpec.builder().input(3, 6, 6).avgPool(2).globalAveragePool().dense(2)
            .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).build());
  }

  /** Every layer of {@link #layerSpecs()}, fresh, as it is before any forward pass. */
  private static List<Supplier<Layer>> unforwarded(Engine engine) {
    List<Supplier<Layer>> layers = new ArrayList<>();
    for (NetworkSpec spec : layerSpecs()) {
      for (int i = 0; i < spec.layers().size(); i++) {
        int index = i;
        layers.add(() -> Network.create(spec, engine).layers().get(index));
      }
    }
    return layers;
  }

  /** Every layer of {@link #layerSpecs()}, after a forward pass in training mode over a batch of 2, as backward needs. */
  static List<Supplier<Layer>> builtInLayers(Engine engine) {
    return unforwarded(engine).stream().<Supplier<Layer>>map(fresh -> () -> {
      Layer layer = fresh.get();
      layer.forward(ramp(engine, DataType.FLOAT32, layer.inputShape().withBatch(2)), Mode.training(1));
      return layer;
    }).toList();
  }

  /** A gradient of {@code layer}'s output for a batch of {@code rows}. */
  static Tensor gradient(Layer layer, int rows, Engine engine, DataType type) {
    return ramp(engine, type, layer.outputShape().withBatch(rows));
  }

  /**
   * The arguments of {@code Layer.checkOutput} ({@code ofInput} false) or {@code checkInputGradient} for a batch of 2,
   * with the engine and type or without.
   */
  private static Object[] checked(Layer layer, boolean ofInput, Engine engine, boolean typed) {
    Tensor t = ramp(engine, DataType.FLOAT32, (ofInput ? layer.inputShape() : layer.outputShape()).withBatch(2));
    return typed ? new Object[] {layer, t, 2, engine, DataType.FLOAT32} : new Object[] {layer, t, 2};
  }

  /** Values 0.1, 0.2, … in {@code shape}, none alike, so that no gradient is zero by accident. */
  static Tensor ramp(Engine engine, DataType type, Shape shape) {
    double[] values = new double[Math.toIntExact(shape.size())];
    for (int i = 0; i < values.length; i++) {
      values[i] = (i % 17 - 8) * 0.1 + 0.01 * i;
    }
    return engine.tensor(type, shape, values);
  }

  private Path written(String name, String text) {
    try {
      return Files.writeString(Files.createTempDirectory(directory, "file").resolve(name), text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An IDX file of unsigned bytes: two items of three. */
  private Path idx(String name) {
    try {
      Path file = Files.createTempDirectory(directory, "idx").resolve(name);
      Files.write(file, new byte[] {0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6});
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A directory holding a file of each of Fashion-MNIST's names, as {@code FashionMnist.locate} looks for. */
  private Path fashionMnistLike() {
    try {
      Path dir = Files.createTempDirectory(directory, "fashion");
      for (String stem : List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
          "t10k-labels-idx1-ubyte")) {
        Files.write(dir.resolve(stem), new byte[] {0, 0, 8, 1, 0, 0, 0, 0});
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path saved(Network network) {
    return HostileCalls.savedModel(directory, network);
  }
}
