package org.delta4j.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.delta4j.engine.Engine;
import org.delta4j.io.NetworkSpecJson;
import org.delta4j.nn.Mode;
import org.delta4j.nn.Network;
import org.delta4j.spec.KindRegistry;
import org.delta4j.spec.LayerKind;
import org.delta4j.spec.LayerSpec;
import org.delta4j.spec.LossKind;
import org.delta4j.spec.LossSpec;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerKind;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Network specs as others write them, mutated: every field and element of the example spec files, and of a small
 * network around each registered kind's example (every layer, loss and optimizer kind, each field written), replaced in
 * turn by each of some hostile values or removed. Every outcome is a network that runs a batch forward and takes two
 * training steps on the engine under test (or stops with the {@link ArithmeticException} that names a diverged loss),
 * or an {@link IllegalArgumentException} with a message, or the {@link IllegalStateException} of memory the machine
 * cannot give, which says how to give more: never another exception from inside. An engine module runs
 * it by extending this class and returning its engine.
 */
public abstract class SpecMutationConformance {
  private static final ObjectMapper JSON = new ObjectMapper();
  /**
   * What each field or element is replaced by: wrong signs, zero, overflowing and huge numbers, a window whose column
   * matrix would not fit an array, wrong types.
   */
  private static final List<String> HOSTILE = List.of("-1", "0", "1", "3", "2147483647", "2147483648", "-2147483648",
      "1e300", "-1e300", "0.5", "1e-320", "\"x\"", "\"\"", "true", "null", "[]", "{}", "[0, 0]", "[-1, 3]",
      "[1, 2147483647]", "[65536, 65536]", "[2000, 2000]", "[3]", "[1, 1, 1, 1, 1]", "\"same\"", "\"dense\"",
      "\"block\"");
  /** Inputs larger than this many values are built but not run: the point is the spec, not the heap. */
  private static final long MAX_INPUT_VALUES = 1 << 20;

  /** The engine under test. */
  protected abstract Engine engine();

  @Test
  void everyMutationTrainsOrIsRefusedWithAMessage() throws IOException {
    List<JsonNode> values = new ArrayList<>();
    for (String v : HOSTILE) {
      values.add(JSON.readTree(v));
    }
    List<String> failures = new ArrayList<>();
    for (Map.Entry<String, String> spec : specs().entrySet()) {
      run(NetworkSpecJson.read(spec.getValue()), engine()); // as written, each trains: the mutations start from there
      JsonNode root = JSON.readTree(spec.getValue());
      for (List<Object> path : paths(root, new ArrayList<>(), new ArrayList<>())) {
        for (int v = -1; v < values.size(); v++) {
          JsonNode mutated = root.deepCopy();
          replace(mutated, path, v < 0 ? null : values.get(v));
          String what = spec.getKey() + " " + path + (v < 0 ? " removed" : " = " + values.get(v));
          try {
            run(NetworkSpecJson.read(JSON.writeValueAsString(mutated)), engine());
          } catch (IllegalArgumentException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) {
              failures.add(what + ": refused without a message, " + e);
            }
          } catch (ArithmeticException e) {
            // a loss that diverged, named as such
          } catch (IllegalStateException e) {
            if (e.getMessage() == null || !e.getMessage().contains("-Xmx")) { // memory refused is said so
              failures.add(what + ": " + e + " at " + e.getStackTrace()[0]);
            }
          } catch (RuntimeException | Error e) {
            failures.add(what + ": " + e + " at " + e.getStackTrace()[0]);
          }
        }
      }
    }
    assertTrue(failures.isEmpty(), failures.size() + " mutations failed from inside, among them:\n"
        + String.join("\n", failures.subList(0, Math.min(20, failures.size()))));
  }

  /** Builds the network, runs two rows of zeros forward, and takes two steps towards class 0 (or output 0). */
  private static void run(NetworkSpec spec, Engine engine) {
    Network network = Network.create(spec, engine);
    Shape batch = spec.input().withBatch(2);
    long count = batch.size();
    if (count > MAX_INPUT_VALUES) {
      return;
    }
    Tensor x = engine.tensor(network.dataType(), batch, new double[(int) count]);
    Tensor out = network.forward(x, Mode.inference());
    int perRow = (int) (out.size() / 2);
    double[] target = new double[2 * perRow];
    target[0] = 1;
    target[perRow] = 1;
    Tensor y = engine.tensor(network.dataType(), out.shape(), target);
    network.trainStep(x, y);
    network.trainStep(x, y);
  }

  /** The example spec files (examples/specs), which the build puts in the suite's jar. */
  static final List<String> EXAMPLE_SPECS = List.of("fashion-cnn.json", "residual-cnn.json", "residual-mlp.json");

  /**
   * The example spec files, and for each registered kind a network around its example: a layer kind's followed by
   * flatten and dense 2 (or alone, when nothing may follow it), a loss kind's after dense 2 (and the activation it
   * needs), an optimizer kind's training dense 2; each written with every field.
   */
  private static Map<String, String> specs() throws IOException {
    Map<String, String> specs = new LinkedHashMap<>();
    for (String name : EXAMPLE_SPECS) { // from the jar: the suite runs in an engine's own build too
      try (InputStream in = SpecMutationConformance.class.getResourceAsStream("specs/" + name)) {
        if (in == null) {
          throw new IllegalStateException("the conformance jar lacks the example spec " + name);
        }
        specs.put(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    KindRegistry kinds = KindRegistry.standard();
    LayerSpec dense2 = NetworkSpecJson.readLayer("{\"type\": \"dense\", \"units\": 2}");
    LayerSpec flatten = NetworkSpecJson.readLayer("{\"type\": \"flatten\"}");
    OptimizerSpec sgd = NetworkSpecJson.readOptimizer("{\"type\": \"sgd\", \"learning_rate\": 0.1}");
    for (LayerKind k : kinds.layerKinds()) {
      LayerKind.Example e = k.example();
      specs.put("layer " + k.type(), first(
          () -> new NetworkSpec(e.input(), List.of(e.spec(), flatten, dense2), loss("softmax_cross_entropy"), sgd, 1),
          () -> new NetworkSpec(e.input(), List.of(e.spec()), loss("categorical_cross_entropy"), sgd, 1)));
    }
    for (LossKind k : kinds.lossKinds()) {
      specs.put("loss " + k.type(), first(
          () -> new NetworkSpec(Shape.of(3), List.of(dense2), k.example(), sgd, 1),
          () -> new NetworkSpec(Shape.of(3), List.of(dense2, activation("sigmoid")), k.example(), sgd, 1),
          () -> new NetworkSpec(Shape.of(3), List.of(dense2, activation("softmax")), k.example(), sgd, 1)));
    }
    for (OptimizerKind k : kinds.optimizerKinds()) {
      specs.put("optimizer " + k.type(), NetworkSpecJson.write(
          new NetworkSpec(Shape.of(3), List.of(dense2), loss("softmax_cross_entropy"), k.example(), 1)));
    }
    return specs;
  }

  /** The JSON of the first of these networks that is valid. */
  @SafeVarargs
  private static String first(Supplier<NetworkSpec>... candidates) {
    IllegalArgumentException last = null;
    for (Supplier<NetworkSpec> c : candidates) {
      try {
        return NetworkSpecJson.write(c.get());
      } catch (IllegalArgumentException e) {
        last = e;
      }
    }
    throw last;
  }

  private static LossSpec loss(String name) {
    return NetworkSpecJson.readLoss("\"" + name + "\"");
  }

  private static LayerSpec activation(String type) {
    return NetworkSpecJson.readLayer("{\"type\": \"" + type + "\"}");
  }

  /** The path of every field and element below the root, depth first. */
  private static List<List<Object>> paths(JsonNode node, List<Object> path, List<List<Object>> out) {
    if (!path.isEmpty()) {
      out.add(List.copyOf(path));
    }
    if (node.isObject()) {
      node.fieldNames().forEachRemaining(name -> {
        path.add(name);
        paths(node.get(name), path, out);
        path.remove(path.size() - 1);
      });
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        path.add(i);
        paths(node.get(i), path, out);
        path.remove(path.size() - 1);
      }
    }
    return out;
  }

  /** Sets the field or element at {@code path} to a copy of {@code value}, or removes it when that is null. */
  private static void replace(JsonNode root, List<Object> path, JsonNode value) {
    JsonNode parent = root;
    for (Object step : path.subList(0, path.size() - 1)) {
      parent = step instanceof String name ? parent.get(name) : parent.get((Integer) step);
    }
    Object last = path.get(path.size() - 1);
    if (parent instanceof ObjectNode object) {
      if (value == null) {
        object.remove((String) last);
      } else {
        object.set((String) last, value.deepCopy());
      }
    } else if (value == null) {
      ((ArrayNode) parent).remove((Integer) last);
    } else {
      ((ArrayNode) parent).set((Integer) last, value.deepCopy());
    }
  }
}
