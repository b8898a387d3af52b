package org.delta4j.engine.nd4j;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.delta4j.conformance.PyTorch;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Engines;
import org.delta4j.engine.ref.RefEngine;
import org.delta4j.io.NetworkSpecJson;
import org.delta4j.nn.Mode;
import org.delta4j.nn.Network;
import org.delta4j.nn.Parameter;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random small networks ({@link RandomNetworksTest#randomSpec}, without dropout) compute on both engines what PyTorch
 * computes for them, to round-off (FLOAT64, 1e-9): the training-mode outputs, the loss, every parameter's gradient, and
 * the inference-mode outputs after one SGD step (batch norm on the running statistics it updated). PyTorch rebuilds
 * each network from {@code torch.nn.functional} as the spec defines its layers ({@code torch_agreement.py}): same
 * padding split with any odd zero after, max pooling blind to padding, average pooling dividing by the whole window.
 * Needs {@code /usr/bin/python3} with torch, which the build's CI installs.
 */
class PyTorchAgreementTest {
  private static final int NETWORKS = 300;
  private static final ObjectMapper JSON = new ObjectMapper();
  /** How many times PyTorch's own float32 error a FLOAT32 case may differ from PyTorch in float64, past 1e-5. */
  private static final double FLOAT32_FACTOR = 8;

  @Test
  void randomNetworksComputeWhatPyTorchComputes(@TempDir Path dir) throws Exception {
    assumeTrue(PyTorch.available(), "/usr/bin/python3 cannot import torch (apt-get install python3-torch)");
    List<String> cases = new ArrayList<>();
    for (Engine engine : List.of(new RefEngine(), Engines.get(Nd4jEngine.NAME))) {
      for (int seed = 0; seed < NETWORKS; seed++) {
        Random random = new Random(seed);
        NetworkSpec spec;
        try {
          spec = NetworkSpecJson.read(RandomNetworksTest.randomSpec(random, seed, false, "sgd"));
        } catch (IllegalArgumentException refused) {
          continue;
        }
        RandomNetworksTest.Batch batch = RandomNetworksTest.Batch.draw(random, spec, 2 + random.nextInt(3));
        cases.add(computed(engine.name() + "/" + seed, engine, DataType.FLOAT64, batch));
      }
    }
    List<String> verdicts = PyTorch.verdicts(PyTorchAgreementTest.class, "torch_agreement.py", dir, cases);
    assertTrue(cases.size() > NETWORKS, cases.size() + " cases from " + 2 * NETWORKS + " random specs");
    assertAgree(verdicts, 1e-9);
  }

  /**
   * Windows at the edges of their images compute what PyTorch computes, on both engines, in FLOAT64 (to 1e-9) and
   * FLOAT32 (against PyTorch in float64 on the same values, to 1e-5 or within {@value #FLOAT32_FACTOR} times PyTorch's
   * own float32 error), for batches of one and two: a kernel as large as the padded input, strides larger than the
   * kernel, dilated convolutions and pooling, one-pixel and one-channel images, rows and columns of one pixel, and
   * batch norm over the positions of a single image.
   */
  @Test
  void windowsAtTheEdgesComputeWhatPyTorchComputes(@TempDir Path dir) throws Exception {
    assumeTrue(PyTorch.available(), "/usr/bin/python3 cannot import torch (apt-get install python3-torch)");
    String[] specs = {
        spec("[1,3,3]", conv(2, "[5,5]", ",\"padding\":\"explicit\",\"pad\":[1,1]"), "softmax_cross_entropy"),
        spec("[1,4,4]", conv(1, "[4,4]", ""), "mean_squared_error"),
        spec("[2,7,7]", conv(3, "[2,2]", ",\"stride\":[3,3]") + "," + pool("max", "[1,1]", ",\"stride\":[2,2]"),
            "softmax_cross_entropy"),
        spec("[1,7,7]", conv(2, "[3,3]", ",\"dilation\":[3,3]"), "mean_squared_error"),
        spec("[2,5,6]", conv(2, "[3,2]", ",\"dilation\":[2,3],\"padding\":\"same\"") + ",{\"type\":\"batch_norm\"},"
            + "{\"type\":\"relu\"}", "softmax_cross_entropy"),
        spec("[1,1,1]", conv(2, "[3,3]", ",\"padding\":\"same\"") + "," + pool("max", "[1,1]", "") + ","
            + pool("avg", "[1,1]", "") + ",{\"type\":\"global_avg_pool2d\"}", "softmax_cross_entropy"),
        spec("[1,1,6]", conv(2, "[1,3]", ",\"stride\":[1,4],\"padding\":\"same\"") + "," + pool("avg", "[1,2]",
            ",\"padding\":\"same\""), "mean_squared_error"),
        spec("[3,5,5]", pool("max", "[3,3]", ",\"stride\":[4,4]") + "," + conv(2, "[1,1]", ""),
            "softmax_cross_entropy"),
        spec("[2,8,8]", pool("max", "[2,2]", ",\"dilation\":[2,2]") + "," + pool("avg", "[2,2]",
            ",\"dilation\":[2,2],\"stride\":[1,1]"), "softmax_cross_entropy"),
        spec("[1,5,5]", pool("avg", "[2,2]", ",\"stride\":[3,3],\"padding\":\"same\"") + ","
            + pool("max", "[3,3]", ",\"stride\":[1,1],\"padding\":\"explicit\",\"pad\":[1,1]"), "mean_squared_error"),
        spec("[2,3,3]", conv(2, "[3,3]", ",\"padding\":\"same\"") + ",{\"type\":\"batch_norm\"},{\"type\":\"tanh\"}",
            "softmax_cross_entropy")};
    List<String> wide = new ArrayList<>();
    List<String> narrow = new ArrayList<>();
    for (Engine engine : List.of(new RefEngine(), Engines.get(Nd4jEngine.NAME))) {
      for (int i = 0; i < specs.length; i++) {
        NetworkSpec spec = NetworkSpecJson.read(specs[i]);
        for (int rows = 1; rows <= 2; rows++) {
          for (DataType type : DataType.values()) {
            RandomNetworksTest.Batch batch = RandomNetworksTest.Batch.draw(new Random(i), spec, rows);
            String name = engine.name() + "/" + type + "/spec" + i + "/batch" + rows;
            (type == DataType.FLOAT64 ? wide : narrow).add(computed(name, engine, type, batch));
          }
        }
      }
    }
    assertAgree(PyTorch.verdicts(PyTorchAgreementTest.class, "torch_agreement.py", dir.resolve("wide"), wide), 1e-9);
    assertAgree(PyTorch.verdicts(PyTorchAgreementTest.class, "torch_agreement.py", dir.resolve("narrow"), narrow), 1e-5);
  }

  /**
   * Batch norm, alone and fused with the ReLU after it, on channels PyTorch normalises exactly or nearly so, on both
   * engines in FLOAT64 (to 1e-9) and FLOAT32 (as {@link #windowsAtTheEdgesComputeWhatPyTorchComputes}): a constant
   * channel (σ² = 0, so x − μ = 0; alone, as with the ReLU its output β = 0 lies on the kink), a channel of mean 1e4
   * and spread 1, one whose first value lies 1e3 from the rest, and a batch of one image. PyTorch's CPU kernel maps x
   * as γ/√(σ² + ε)·x + (β − μ·γ/√(σ² + ε)), so that its float32 error, the scale here, grows with |μ|/σ; Delta4j's,
   * centred on μ, grows only through the rounding of μ itself.
   */
  @Test
  void batchNormOfConstantFarAndOutlyingChannelsComputesWhatPyTorchComputes(@TempDir Path dir) throws Exception {
    assumeTrue(PyTorch.available(), "/usr/bin/python3 cannot import torch (apt-get install python3-torch)");
    List<String> wide = new ArrayList<>();
    List<String> narrow = new ArrayList<>();
    for (Engine engine : List.of(new RefEngine(), Engines.get(Nd4jEngine.NAME))) {
      for (String after : new String[] {"", ",{\"type\":\"relu\"}"}) {
        NetworkSpec spec = NetworkSpecJson.read(spec("[4,5,5]", "{\"type\":\"batch_norm\"}" + after,
            "mean_squared_error"));
        for (int rows = 1; rows <= 3; rows += 2) {
          Random random = new Random(rows);
          double[] x = new double[rows * 100];
          for (int s = 0; s < rows; s++) {
            for (int i = 0; i < 25; i++) {
              // constant, but for the ReLU: batch norm gives β = 0 there, where PyTorch's round-off decides the gate
              x[s * 100 + i] = after.isEmpty() ? 3.75 : random.nextGaussian();
              x[s * 100 + 25 + i] = 1e4 + random.nextGaussian(); //                      far from 0
              x[s * 100 + 50 + i] = s == 0 && i == 0 ? 1e3 : random.nextGaussian(); //   an outlier first
              x[s * 100 + 75 + i] = random.nextGaussian();
            }
          }
          double[] y = new double[rows * 3];
          for (int i = 0; i < y.length; i++) {
            y[i] = random.nextGaussian();
          }
          RandomNetworksTest.Batch batch = new RandomNetworksTest.Batch(spec, rows, x, y);
          for (DataType type : DataType.values()) {
            String name = engine.name() + "/" + type + "/batch_norm" + after.replaceAll("[^a-z]", "") + "/batch" + rows;
            (type == DataType.FLOAT64 ? wide : narrow).add(computed(name, engine, type, batch));
          }
        }
      }
    }
    assertAgree(PyTorch.verdicts(PyTorchAgreementTest.class, "torch_agreement.py", dir.resolve("wide"), wide), 1e-9);
    assertAgree(PyTorch.verdicts(PyTorchAgreementTest.class, "torch_agreement.py", dir.resolve("narrow"), narrow), 1e-5);
  }

  /** A network of the given image layers, then a dense layer of three classes, as spec JSON. */
  private static String spec(String input, String layers, String loss) {
    return "{\"input\":" + input + ",\"layers\":[" + layers + ",{\"type\":\"flatten\"},{\"type\":\"dense\","
        + "\"units\":3}],\"loss\":\"" + loss + "\",\"optimizer\":{\"type\":\"sgd\",\"learning_rate\":0.1},"
        + "\"seed\":7}";
  }

  private static String conv(int filters, String kernel, String window) {
    return "{\"type\":\"conv2d\",\"filters\":" + filters + ",\"kernel\":" + kernel + window + "}";
  }

  private static String pool(String kind, String kernel, String window) {
    return "{\"type\":\"" + kind + "_pool2d\",\"kernel\":" + kernel + window + "}";
  }

  /**
   * Fails unless every verdict's largest difference from PyTorch in float64 is at most {@code tolerance}, or for a
   * FLOAT32 case at most {@value #FLOAT32_FACTOR} times PyTorch's own float32 difference, the verdict's fourth field.
   */
  private static void assertAgree(List<String> verdicts, double tolerance) {
    List<String> differing = new ArrayList<>();
    for (String v : verdicts) {
      String[] f = v.split(" ");
      double allowed = f.length > 3 ? Math.max(tolerance, FLOAT32_FACTOR * Double.parseDouble(f[3])) : tolerance;
      if (!(Double.parseDouble(f[1]) <= allowed)) {
        differing.add(v);
      }
    }
    assertTrue(differing.isEmpty(), differing.size() + " of " + verdicts.size() + " differ from PyTorch by more "
        + "than " + tolerance + (verdicts.stream().anyMatch(v -> v.split(" ").length > 3) ? " (or " + FLOAT32_FACTOR
        + " times PyTorch's float32 difference, the last field)" : "") + ":\n" + String.join("\n", differing));
  }

  /**
   * One case as a line of JSON: the network and its data, its initial parameters, what the engine computes for one
   * batch in training mode, and its inference-mode outputs after one step of SGD.
   */
  private static String computed(String name, Engine engine, DataType type, RandomNetworksTest.Batch batch)
      throws IOException {
    NetworkSpec spec = batch.spec();
    Network network = Network.create(spec, engine, type);
    Tensor x = engine.tensor(type, spec.input().withBatch(batch.rows()), batch.x());
    Tensor y = engine.tensor(type, spec.outputShape().withBatch(batch.rows()), batch.y());
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("name", name);
    json.put("type", type.name());
    json.put("spec", JSON.readTree(NetworkSpecJson.write(spec)));
    json.put("batch", batch.rows());
    json.put("learning_rate", spec.optimizer().learningRate());
    json.put("x", x.toDoubleArray()); // as the network holds them
    json.put("y", y.toDoubleArray());
    Map<String, Object> initial = new LinkedHashMap<>();
    for (Parameter p : network.parameters()) {
      initial.put(p.name(), Map.of("shape", p.value().shape().dims(), "v", p.value().toDoubleArray()));
    }
    json.put("params", initial);
    json.put("loss", network.computeGradients(x, y));
    json.put("out", network.output().toDoubleArray());
    Map<String, Object> gradients = new LinkedHashMap<>();
    for (Parameter p : network.parameters()) {
      gradients.put(p.name(), p.gradient().toDoubleArray());
    }
    json.put("grads", gradients);
    network.applyUpdate();
    json.put("inference", network.forward(x, Mode.inference()).toDoubleArray());
    return JSON.writeValueAsString(json);
  }
}
