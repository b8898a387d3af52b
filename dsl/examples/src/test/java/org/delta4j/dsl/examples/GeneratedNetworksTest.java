package org.delta4j.dsl.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.delta4j.data.ArrayDataset;
import org.delta4j.engine.EngineStatus;
import org.delta4j.engine.Engines;
import org.delta4j.nn.layers.DenseLayer;
import org.delta4j.tensor.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Classes generated in this build, used for real: they train, predict, save and load, on every engine. */
class GeneratedNetworksTest {
  static final float[][] XOR = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
  static final int[] XOR_CLASSES = {0, 1, 1, 0};

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
