package org.delta4j.examples.custom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.delta4j.conformance.Agreement;
import org.delta4j.conformance.Tolerances;
import org.delta4j.data.Dataset;
import org.delta4j.datasets.FashionMnist;
import org.delta4j.engine.Engines;
import org.delta4j.io.ModelFiles;
import org.delta4j.nn.Network;
import org.delta4j.spec.Initializer;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.delta4j.train.Evaluation;
import org.delta4j.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example kinds do real work: a network of learned-β Swish layers, trained with Lion on the Huber loss of one-hot
 * targets, learns Fashion-MNIST on the reference engine; saved there, it loads on the ND4J engine and gives the same
 * outputs.
 */
class FashionMnistWithExampleKindsTest {
  @Test
  void trainsSavesAndLoadsOnTheOtherEngine(@TempDir Path dir) throws IOException {
    FashionMnist.Data data;
    try {
      data = FashionMnist.load(null);
    } catch (IOException e) {
      assumeTrue(false, "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist): " + e.getMessage());
      return;
    }
    NetworkSpec spec = NetworkSpec.builder().input(784).dense(128, Initializer.heUniform())
        .layer(new LearnedSwish()).dense(10).loss(new Huber(1)).optimizer(new Lion(3e-4)).seed(1).build();
    Network trained = Network.create(spec, Engines.get("ref"));
    int[] first = new int[15_000];
    for (int i = 0; i < first.length; i++) {
      first[i] = i;
    }
    Trainer.builder().epochs(1).batchSize(64).build().fit(trained, data.training().subset(first));
    double accuracy = Evaluation.of(trained, data.test(), 1000).accuracy();
    assertTrue(accuracy > 0.78, "test accuracy " + accuracy);

    Path file = dir.resolve("swish-lion-huber.safetensors");
    ModelFiles.save(trained, file);
    Network loaded = ModelFiles.load(file, Engines.get("nd4j")).network();
    int[] some = new int[500];
    for (int i = 0; i < some.length; i++) {
      some[i] = 20 * i;
    }
    Dataset sample = data.test().subset(some);
    float[] x = new float[some.length * 784];
    sample.fill(some.length == 0 ? new int[0] : identity(some.length), 0, some.length, x, new float[some.length * 10]);
    Tensor a = trained.engine().zeros(DataType.FLOAT32, Shape.of(some.length, 784));
    Tensor b = loaded.engine().zeros(DataType.FLOAT32, Shape.of(some.length, 784));
    a.copyFrom(x);
    b.copyFrom(x);
    Agreement.assertAgree("outputs after loading on nd4j", trained.predictor().output(a),
        loaded.predictor().output(b), Tolerances.of(DataType.FLOAT32));
    int[] ca = new int[some.length];
    int[] cb = new int[some.length];
    trained.predictor().classes(a, ca);
    loaded.predictor().classes(b, cb);
    assertArrayEquals(ca, cb, "predicted classes");
  }

  private static int[] identity(int n) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    return order;
  }
}
