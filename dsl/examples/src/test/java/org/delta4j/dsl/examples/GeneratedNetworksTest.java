package org.delta4j.dsl.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.delta4j.autodiff.BlockSpec;
import org.delta4j.data.ArrayDataset;
import org.delta4j.engine.EngineStatus;
import org.delta4j.engine.Engines;
import org.delta4j.nn.layers.DenseLayer;
import org.delta4j.examples.custom.GatedLinearUnit;
import org.delta4j.examples.custom.LearnedSwish;
import org.delta4j.examples.custom.ResidualMlp;
import org.delta4j.spec.ActivationFunction;
import org.delta4j.spec.Initializer;
import org.delta4j.spec.LayerSpec;
import org.delta4j.spec.LearningRateSchedule;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.tensor.DataType;
import org.delta4j.train.History;
import org.delta4j.tensor.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Classes generated in this build, used for real: they train, predict, save and load, on every engine. */
class GeneratedNetworksTest {
  static final float[][] XOR = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
  static final int[] XOR_CLASSES = {0, 1, 1, 0};

  /** 64 points evenly spread over [−π, π]. */
  static final float[][] SINE_X = new float[64][1];

  static {
    for (int i = 0; i < SINE_X.length; i++) {
      SINE_X[i][0] = (float) (-Math.PI + 2 * Math.PI * i / (SINE_X.length - 1));
    }
  }

  static float[][] sine(float[][] x) {
    float[][] y = new float[x.length][1];
    for (int i = 0; i < x.length; i++) {
      y[i][0] = (float) Math.sin(x[i][0]);
    }
    return y;
  }

  static List<String> engines() {
    return Engines.defaults().statuses().stream().filter(EngineStatus::available).map(EngineStatus::name).toList();
  }

  @Test
  void xorTrainsToOneHundredPercentOnEveryEngine() {
    assertTrue(engines().contains("ref"));
    for (String engine : engines()) {
      XorNetwork net = XorNetwork.create(engine);
      net.train(ArrayDataset.classification(XOR, XOR_CLASSES, 2), 300, 4);
      assertArrayEquals(XOR_CLASSES, net.predict(XOR), engine);
      assertEquals(1.0, net.evaluate(ArrayDataset.classification(XOR, XOR_CLASSES, 2)).accuracy(), engine);
    }
  }

  @Test
  void typedAccessorsAndTheDescription() {
    XorNetwork net = XorNetwork.create("ref");
    DenseLayer hidden = net.hidden();
    assertEquals(4, hidden.units());
    assertEquals(2, net.output().units());
    assertEquals(XorNetwork.SPEC, net.spec());
    assertEquals(7, XorNetwork.SPEC.seed());
    assertEquals(22, XorNetwork.SPEC.parameterCount());
    assertEquals(Shape.of(28, 28), FashionMnistMlpNetwork.SPEC.input());
    assertEquals(0.2, FashionMnistMlpNetwork.create("ref").dropout().rate());
  }

  @Test
  void rawOutputsAreTheLogitsBehindTheProbabilities() {
    XorNetwork net = XorNetwork.create("ref");
    float[][] logits = net.outputs(XOR);
    float[][] probabilities = net.probabilities(XOR);
    for (int i = 0; i < XOR.length; i++) {
      double sum = Math.exp(logits[i][0]) + Math.exp(logits[i][1]);
      assertEquals(Math.exp(logits[i][1]) / sum, probabilities[i][1], 1e-5);
    }
    // the samples are checked as the other array methods check them, not run as a batch of no rows
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.outputs(new float[0][]));
    assertEquals("no samples to predict", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> net.outputs(new float[][] {{1, 0}, {1, 0, 1}}));
    assertTrue(e.getMessage().contains("sample 1 has 3 features but the network takes 2"), e.getMessage());
  }

  @Test
  void aRegressionNetworkPredictsValuesInItsDataType() {
    float[][] x = SINE_X;
    float[][] y = sine(x);
    SineNetwork net = SineNetwork.create("ref");
    assertEquals(DataType.FLOAT64, net.network().dataType());
    assertEquals(new LearningRateSchedule.StepDecay(200, 0.5), SineNetwork.SPEC.optimizer().schedule());
    assertEquals(ActivationFunction.TANH, net.squash().function());
    assertEquals(0.1, ((LayerSpec.Activation) SineNetwork.SPEC.layers().get(3)).alpha());
    assertEquals(new Initializer(Initializer.Kind.CONSTANT, 0.01), ((LayerSpec.Dense) SineNetwork.SPEC.layers().get(4))
        .bias());
    net.train(ArrayDataset.regression(x, y), 400, 16);
    float[][] predicted = net.predict(x);
    double worst = 0;
    for (int i = 0; i < x.length; i++) {
      worst = Math.max(worst, Math.abs(predicted[i][0] - y[i][0]));
    }
    assertTrue(worst < 0.1, "worst error " + worst);
    assertArrayEquals(predicted[5], net.outputs(new float[][] {x[5]})[0]);
  }

  @Test
  void kindsDefinedOutsideTheApiAreDeclaredInTheDslAndTrain(@TempDir Path dir) throws IOException {
    NetworkSpec expected = NetworkSpec.builder().input(1)
        .layer(new LayerSpec.Dense("hidden", 16, Initializer.xavierUniform(), Initializer.zeros()))
        .layer(new LearnedSwish("swish", LearnedSwish.DEFAULT_BETA))
        .layer(new LayerSpec.Dense("value", 1, Initializer.xavierUniform(), Initializer.zeros()))
        .loss(new org.delta4j.examples.custom.Huber(0.5))
        .optimizer(new org.delta4j.examples.custom.Lion(3e-3))
        .seed(11)
        .build();
    assertEquals(expected, SwishNetwork.SPEC);
    float[][] x = SINE_X;
    float[][] y = sine(x);
    SwishNetwork net = SwishNetwork.create("ref");
    History history = net.train(ArrayDataset.regression(x, y), 200, 16);
    double first = history.epochs().get(0).trainingLoss();
    double last = history.last().trainingLoss();
    assertTrue(last < first / 4, first + " → " + last);
    net.save(dir.resolve("swish.safetensors"));
    assertArrayEquals(net.predict(x)[7], SwishNetwork.load(dir.resolve("swish.safetensors"), "ref").predict(x)[7]);
  }

  @Test
  void kindsWrittenForwardOnlyAreDeclaredInTheDslAndLearnXor(@TempDir Path dir) throws IOException {
    NetworkSpec expected = NetworkSpec.builder().input(2).layer(new GatedLinearUnit("gated", 8))
        .layer(new ResidualMlp("residual", 8)).layer(new GatedLinearUnit("output", 2))
        .loss(new org.delta4j.examples.custom.LabelSmoothing(0.05)).optimizer(new OptimizerSpec.Adam(0.05)).seed(5)
        .build();
    assertEquals(expected, GatedXorNetwork.SPEC);
    for (String engine : engines()) {
      GatedXorNetwork net = GatedXorNetwork.create(engine);
      net.train(ArrayDataset.classification(XOR, XOR_CLASSES, 2), 300, 4);
      assertEquals(1.0, net.evaluate(ArrayDataset.classification(XOR, XOR_CLASSES, 2)).accuracy(), engine);
      net.save(dir.resolve(engine + ".safetensors"));
      assertArrayEquals(net.outputs(XOR)[3], GatedXorNetwork.load(dir.resolve(engine + ".safetensors"), engine)
          .outputs(XOR)[3], engine);
    }
  }

  @Test
  void aBlockDeclaredInTheDslIsTheGraphItWiresAndLearnsXor(@TempDir Path dir) throws IOException {
    BlockSpec residual = (BlockSpec) ResidualXorNetwork.SPEC.layers().get(2);
    assertEquals(List.of("fc1", "fc1_relu", "fc2", "sum"), residual.nodes().stream().map(BlockSpec.Node::name)
        .toList());
    assertEquals(List.of("fc2", BlockSpec.INPUT), residual.nodes().get(3).inputs());
    for (String engine : engines()) {
      ResidualXorNetwork net = ResidualXorNetwork.create(engine);
      net.train(ArrayDataset.classification(XOR, XOR_CLASSES, 2), 300, 4);
      assertArrayEquals(XOR_CLASSES, net.predict(XOR), engine);
      Path file = dir.resolve("residual-" + engine + ".safetensors");
      net.save(file);
      assertArrayEquals(net.outputs(XOR)[1], ResidualXorNetwork.load(file, engine).outputs(XOR)[1], engine);
    }
  }

  @Test
  void aSavedModelLoadsBackAndPredictsTheSame(@TempDir Path dir) throws IOException {
    XorNetwork net = XorNetwork.create("ref", 11);
    net.train(ArrayDataset.classification(XOR, XOR_CLASSES, 2), 50, 4);
    Path file = dir.resolve("xor.safetensors");
    net.save(file);
    for (String engine : engines()) {
      XorNetwork loaded = XorNetwork.load(file, engine);
      float[][] expected = net.probabilities(XOR);
      float[][] actual = loaded.probabilities(XOR);
      for (int i = 0; i < expected.length; i++) {
        assertArrayEquals(expected[i], actual[i], 1e-5f, engine);
      }
    }
    FashionMnistMlpNetwork.create("ref").save(dir.resolve("mlp.safetensors"));
    IOException e = assertThrows(IOException.class, () -> XorNetwork.load(dir.resolve("mlp.safetensors"), "ref"));
    assertTrue(e.getMessage().contains("holds another network than XorSpec"), e.getMessage());
  }
}
