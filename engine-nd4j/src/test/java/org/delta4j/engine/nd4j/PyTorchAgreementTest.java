package org.delta4j.engine.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Engines;
import org.delta4j.engine.ref.RefEngine;
import org.delta4j.io.NetworkSpecJson;
import org.delta4j.nn.Mode;
import org.delta4j.nn.Network;
import org.delta4j.nn.Parameter;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.tensor.DataType;
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

  @Test
  void randomNetworksComputeWhatPyTorchComputes(@TempDir Path dir) throws Exception {
    assumeTrue(pythonHasTorch(), "/usr/bin/python3 cannot import torch (apt-get install python3-torch)");
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
        cases.add(computed(engine.name() + "/" + seed, engine, spec, random));
      }
    }
    List<String> verdicts = verdicts(dir, "torch_agreement.py", cases);
    assertTrue(cases.size() > NETWORKS, cases.size() + " cases from " + 2 * NETWORKS + " random specs");
    List<String> differing = new ArrayList<>();
    for (String v : verdicts) {
      String[] f = v.split(" ");
      if (!(Double.parseDouble(f[1]) <= 1e-9)) {
        differing.add(v);
      }
    }
    assertTrue(differing.isEmpty(), differing.size() + " of " + cases.size() + " differ from PyTorch:\n"
        + String.join("\n", differing));
  }

  /**
   * One case as a line of JSON: the network and its data, its initial parameters, what the engine computes for one
   * batch in training mode, and its inference-mode outputs after one step of SGD.
   */
  private static String computed(String name, Engine engine, NetworkSpec spec, Random random) throws IOException {
    RandomNetworksTest.Batch batch = RandomNetworksTest.Batch.draw(random, spec, 2 + random.nextInt(3));
    Network network = Network.create(spec, engine, DataType.FLOAT64);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("name", name);
    json.put("spec", JSON.readTree(NetworkSpecJson.write(spec)));
    json.put("batch", batch.rows());
    json.put("learning_rate", spec.optimizer().learningRate());
    json.put("x", batch.x());
    json.put("y", batch.y());
    Map<String, Object> initial = new LinkedHashMap<>();
    for (Parameter p : network.parameters()) {
      initial.put(p.name(), Map.of("shape", p.value().shape().dims(), "v", p.value().toDoubleArray()));
    }
    json.put("params", initial);
    json.put("loss", network.computeGradients(batch.inputs(engine), batch.targets(engine)));
    json.put("out", network.output().toDoubleArray());
    Map<String, Object> gradients = new LinkedHashMap<>();
    for (Parameter p : network.parameters()) {
      gradients.put(p.name(), p.gradient().toDoubleArray());
    }
    json.put("grads", gradients);
    network.applyUpdate();
    json.put("inference", network.forward(batch.inputs(engine), Mode.inference()).toDoubleArray());
    return JSON.writeValueAsString(json);
  }

  /**
   * PyTorch's verdicts on the cases, one line of JSON each, from {@code script} (a resource beside this class) run in
   * {@code dir} on a file of them: one line a case.
   */
  static List<String> verdicts(Path dir, String script, List<String> cases) throws IOException, InterruptedException {
    Path file = dir.resolve("cases.jsonl");
    Files.write(file, cases, StandardCharsets.UTF_8);
    Path copy = dir.resolve(script);
    try (InputStream in = PyTorchAgreementTest.class.getResourceAsStream(script)) {
      Files.copy(in, copy);
    }
    List<String> verdicts = run("/usr/bin/python3", copy.toString(), file.toString());
    assertEquals(cases.size(), verdicts.size(), "one verdict a case: " + verdicts);
    return verdicts;
  }

  private static List<String> run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the PyTorch script did not end");
    assertEquals(0, p.exitValue(), "the PyTorch script failed:\n" + output);
    List<String> lines = new ArrayList<>();
    for (String line : output.split("\n")) {
      if (!line.isBlank()) {
        lines.add(line.strip());
      }
    }
    return lines;
  }

  static boolean pythonHasTorch() {
    try {
      return new ProcessBuilder("/usr/bin/python3", "-c", "import torch").start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }
}
