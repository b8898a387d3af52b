package org.delta4j.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.delta4j.spec.ActivationFunction;
import org.delta4j.spec.Initializer;
import org.delta4j.spec.LayerSpec;
import org.delta4j.spec.LearningRateSchedule;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerSpec;

/**
 * {@link NetworkSpec} as JSON, the form saved models carry and network spec files are written in:
 *
 * <pre>{@code
 * {"input": [784],
 *  "layers": [{"type": "dense", "units": 256, "weights": "he_uniform"}, {"type": "relu"},
 *             {"type": "dropout", "rate": 0.2}, {"type": "dense", "units": 10}],
 *  "loss": "softmax_cross_entropy",
 *  "optimizer": {"type": "adam", "learning_rate": 0.001, "schedule": {"type": "cosine", "total_steps": 2345}},
 *  "seed": 42}
 * }</pre>
 *
 * Names, initializers, hyperparameters, the optimizer and the seed may be left out and take their defaults; an
 * initializer is a name or {"kind": ..., "scale": ...}. Writing gives every field, so a saved description round-trips
 * exactly. Unknown types and unknown fields are errors that name the place ({@code layers[2].unit}). Thread-safe.
 */
public final class NetworkSpecJson {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private NetworkSpecJson() {}

  /** The description as indented JSON, every field written. */
  public static String write(NetworkSpec spec) {
    try {
      return JSON.writeValueAsString(toJson(spec));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot happen: a tree always serialises", e);
    }
  }

  /** Parses a description; an {@link IllegalArgumentException} names what is wrong and where. */
  public static NetworkSpec read(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("network spec: not valid JSON: " + e.getOriginalMessage() + " at line "
          + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
    }
    return fromJson(root);
  }

  static ObjectNode toJson(NetworkSpec spec) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode input = root.putArray("input");
    for (int d : spec.input().dims()) {
      input.add(d);
    }
    ArrayNode layers = root.putArray("layers");
    for (LayerSpec l : spec.layers()) {
      ObjectNode n = layers.addObject();
      if (l instanceof LayerSpec.Dense d) {
        n.put("type", "dense").put("name", d.name()).put("units", d.units());
        n.set("weights", initializer(d.weights()));
        n.set("bias", initializer(d.bias()));
      } else if (l instanceof LayerSpec.Activation a) {
        n.put("type", a.function().label()).put("name", a.name()).put("alpha", a.alpha());
      } else if (l instanceof LayerSpec.Dropout d) {
        n.put("type", "dropout").put("name", d.name()).put("rate", d.rate());
      }
    }
    root.put("loss", spec.loss().name().toLowerCase(Locale.ROOT));
    root.set("optimizer", optimizer(spec.optimizer()));
    root.put("seed", spec.seed());
    return root;
  }

  private static ObjectNode initializer(Initializer i) {
    return JSON.createObjectNode().put("kind", i.kind().name().toLowerCase(Locale.ROOT)).put("scale", i.scale());
  }

  private static ObjectNode optimizer(OptimizerSpec o) {
    ObjectNode n = JSON.createObjectNode();
    if (o instanceof OptimizerSpec.Sgd) {
      n.put("type", "sgd");
    } else if (o instanceof OptimizerSpec.Momentum m) {
      n.put("type", "momentum").put("momentum", m.momentum());
    } else if (o instanceof OptimizerSpec.Nesterov m) {
      n.put("type", "nesterov").put("momentum", m.momentum());
    } else if (o instanceof OptimizerSpec.AdaGrad a) {
      n.put("type", "adagrad").put("epsilon", a.epsilon());
    } else if (o instanceof OptimizerSpec.RmsProp r) {
      n.put("type", "rmsprop").put("rho", r.rho()).put("epsilon", r.epsilon());
    } else if (o instanceof OptimizerSpec.Adam a) {
      n.put("type", "adam").put("beta1", a.beta1()).put("beta2", a.beta2()).put("epsilon", a.epsilon());
    } else if (o instanceof OptimizerSpec.AdamW a) {
      n.put("type", "adamw").put("beta1", a.beta1()).put("beta2", a.beta2()).put("epsilon", a.epsilon());
    }
    n.put("learning_rate", o.learningRate()).put("weight_decay", o.weightDecay());
    ObjectNode s = n.putObject("schedule");
    LearningRateSchedule schedule = o.schedule();
    if (schedule instanceof LearningRateSchedule.Constant) {
      s.put("type", "constant");
    } else if (schedule instanceof LearningRateSchedule.StepDecay d) {
      s.put("type", "step").put("step_size", d.stepSize()).put("gamma", d.gamma());
    } else if (schedule instanceof LearningRateSchedule.ExponentialDecay d) {
      s.put("type", "exponential").put("decay_steps", d.decaySteps()).put("gamma", d.gamma());
    } else if (schedule instanceof LearningRateSchedule.CosineDecay d) {
      s.put("type", "cosine").put("total_steps", d.totalSteps()).put("min_fraction", d.minFraction());
    }
    return n;
  }

  static NetworkSpec fromJson(JsonNode root) {
    Fields r = new Fields(root, "network spec");
    r.allow("input", "layers", "loss", "optimizer", "seed", "format_version");
    NetworkSpec.Builder b = NetworkSpec.builder();
    JsonNode input = r.required("input");
    if (!input.isArray() || input.isEmpty()) {
      throw new IllegalArgumentException("network spec: input must be an array of sizes, e.g. [784]");
    }
    int[] dims = new int[input.size()];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = Fields.integer(input.get(i), "input[" + i + "]");
    }
    b.input(dims);
    JsonNode layers = r.required("layers");
    if (!layers.isArray()) {
      throw new IllegalArgumentException("network spec: layers must be an array");
    }
    for (int i = 0; i < layers.size(); i++) {
      b.layer(layer(new Fields(layers.get(i), "layers[" + i + "]")));
    }
    b.loss(Fields.enumValue(LossFunction.class, r.required("loss"), "loss"));
    if (root.has("optimizer")) {
      b.optimizer(optimizer(new Fields(root.get("optimizer"), "optimizer")));
    }
    if (root.has("seed")) {
      b.seed(root.get("seed").asLong());
    }
    return b.build();
  }

  private static LayerSpec layer(Fields f) {
    String type = f.text("type", null);
    String name = f.text("name", null);
    switch (type) {
      case "dense" -> {
        f.allow("type", "name", "units", "weights", "bias");
        return new LayerSpec.Dense(name, Fields.integer(f.required("units"), f.where + ".units"),
            f.node.has("weights") ? initializer(f.node.get("weights"), f.where + ".weights")
                : Initializer.xavierUniform(),
            f.node.has("bias") ? initializer(f.node.get("bias"), f.where + ".bias") : Initializer.zeros());
      }
      case "dropout" -> {
        f.allow("type", "name", "rate");
        return new LayerSpec.Dropout(name, f.number("rate", Double.NaN));
      }
      default -> {
        ActivationFunction fn = Fields.enumValue(ActivationFunction.class, f.node.get("type"), f.where + ".type");
        f.allow("type", "name", "alpha");
        return new LayerSpec.Activation(name, fn,
            f.number("alpha", fn == ActivationFunction.LEAKY_RELU ? 0.01 : 0));
      }
    }
  }

  private static Initializer initializer(JsonNode n, String where) {
    if (n.isTextual()) {
      Initializer.Kind kind = Fields.enumValue(Initializer.Kind.class, n, where);
      return new Initializer(kind, kind == Initializer.Kind.ZEROS ? 0 : 1);
    }
    Fields f = new Fields(n, where);
    f.allow("kind", "scale");
    Initializer.Kind kind = Fields.enumValue(Initializer.Kind.class, f.required("kind"), where + ".kind");
    return new Initializer(kind, f.number("scale", kind == Initializer.Kind.ZEROS ? 0 : 1));
  }

  private static OptimizerSpec optimizer(Fields f) {
    String type = f.text("type", null);
    double rate = f.number("learning_rate", 1e-3);
    double decay = f.number("weight_decay", 0);
    LearningRateSchedule schedule = f.node.has("schedule") ? schedule(new Fields(f.node.get("schedule"),
        f.where + ".schedule")) : new LearningRateSchedule.Constant();
    switch (type) {
      case "sgd" -> {
        f.allow("type", "learning_rate", "weight_decay", "schedule");
        return new OptimizerSpec.Sgd(rate, decay, schedule);
      }
      case "momentum", "nesterov" -> {
        f.allow("type", "learning_rate", "weight_decay", "schedule", "momentum");
        double mu = f.number("momentum", 0.9);
        return type.equals("momentum") ? new OptimizerSpec.Momentum(rate, mu, decay, schedule)
            : new OptimizerSpec.Nesterov(rate, mu, decay, schedule);
      }
      case "adagrad" -> {
        f.allow("type", "learning_rate", "weight_decay", "schedule", "epsilon");
        return new OptimizerSpec.AdaGrad(rate, f.number("epsilon", 1e-8), decay, schedule);
      }
      case "rmsprop" -> {
        f.allow("type", "learning_rate", "weight_decay", "schedule", "rho", "epsilon");
        return new OptimizerSpec.RmsProp(rate, f.number("rho", 0.9), f.number("epsilon", 1e-8), decay, schedule);
      }
      case "adam", "adamw" -> {
        f.allow("type", "learning_rate", "weight_decay", "schedule", "beta1", "beta2", "epsilon");
        double b1 = f.number("beta1", 0.9);
        double b2 = f.number("beta2", 0.999);
        double eps = f.number("epsilon", 1e-8);
        return type.equals("adam") ? new OptimizerSpec.Adam(rate, b1, b2, eps, decay, schedule)
            : new OptimizerSpec.AdamW(rate, b1, b2, eps, decay, schedule);
      }
      default -> throw new IllegalArgumentException(f.where + ".type: unknown optimizer '" + type
          + "'; one of sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw");
    }
  }

  private static LearningRateSchedule schedule(Fields f) {
    String type = f.text("type", null);
    switch (type) {
      case "constant" -> {
        f.allow("type");
        return new LearningRateSchedule.Constant();
      }
      case "step" -> {
        f.allow("type", "step_size", "gamma");
        return new LearningRateSchedule.StepDecay(Fields.integer(f.required("step_size"), f.where + ".step_size"),
            f.number("gamma", Double.NaN));
      }
      case "exponential" -> {
        f.allow("type", "decay_steps", "gamma");
        return new LearningRateSchedule.ExponentialDecay(Fields.integer(f.required("decay_steps"),
            f.where + ".decay_steps"), f.number("gamma", Double.NaN));
      }
      case "cosine" -> {
        f.allow("type", "total_steps", "min_fraction");
        return new LearningRateSchedule.CosineDecay(Fields.integer(f.required("total_steps"), f.where + ".total_steps"),
            f.number("min_fraction", 0));
      }
      default -> throw new IllegalArgumentException(f.where + ".type: unknown schedule '" + type
          + "'; one of constant, step, exponential, cosine");
    }
  }

  /** Reading one JSON object, with errors that name where in the document they are. */
  private static final class Fields {
    final JsonNode node;
    final String where;

    Fields(JsonNode node, String where) {
      if (node == null || !node.isObject()) {
        throw new IllegalArgumentException(where + ": expected a JSON object, got " + node);
      }
      this.node = node;
      this.where = where;
    }

    void allow(String... names) {
      Set<String> allowed = Set.of(names);
      List<String> unknown = new ArrayList<>();
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String n = it.next();
        if (!allowed.contains(n)) {
          unknown.add(n);
        }
      }
      if (!unknown.isEmpty()) {
        throw new IllegalArgumentException(where + ": unknown field" + (unknown.size() > 1 ? "s " : " ") + unknown
            + "; allowed here: " + List.of(names));
      }
    }

    JsonNode required(String name) {
      JsonNode n = node.get(name);
      if (n == null || n.isNull()) {
        throw new IllegalArgumentException(where + "." + name + " is missing");
      }
      return n;
    }

    String text(String name, String fallback) {
      JsonNode n = node.get(name);
      if (n == null || n.isNull()) {
        if (fallback == null && name.equals("type")) {
          throw new IllegalArgumentException(where + ".type is missing");
        }
        return fallback;
      }
      if (!n.isTextual()) {
        throw new IllegalArgumentException(where + "." + name + " must be a string, got " + n);
      }
      return n.asText().toLowerCase(Locale.ROOT);
    }

    double number(String name, double fallback) {
      JsonNode n = node.get(name);
      if (n == null || n.isNull()) {
        if (Double.isNaN(fallback)) {
          throw new IllegalArgumentException(where + "." + name + " is missing");
        }
        return fallback;
      }
      if (!n.isNumber()) {
        throw new IllegalArgumentException(where + "." + name + " must be a number, got " + n);
      }
      return n.asDouble();
    }

    static int integer(JsonNode n, String where) {
      if (!n.isIntegralNumber() || !n.canConvertToInt()) {
        throw new IllegalArgumentException(where + " must be a whole number, got " + n);
      }
      return n.asInt();
    }

    static <E extends Enum<E>> E enumValue(Class<E> type, JsonNode n, String where) {
      String text = n.asText().toUpperCase(Locale.ROOT);
      for (E e : type.getEnumConstants()) {
        if (e.name().equals(text)) {
          return e;
        }
      }
      List<String> names = new ArrayList<>();
      for (E e : type.getEnumConstants()) {
        names.add(e.name().toLowerCase(Locale.ROOT));
      }
      throw new IllegalArgumentException(where + ": unknown value '" + n.asText() + "'; one of " + names);
    }
  }
}
