package org.delta4j.spec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.delta4j.tensor.Shape;

/**
 * The rules a network description must follow, each as a function that returns what is wrong (or null when nothing
 * is). The spec types enforce them at construction; the DSL's annotation processor calls the same functions to report
 * mistakes at compile time, on the element at fault.
 */
public final class SpecRules {
  private SpecRules() {}

  /** Throws {@link IllegalArgumentException} naming the thing ("dense layer 'hidden'") when there is a problem. */
  static void require(String problem, String kind, String name) {
    if (problem != null) {
      throw new IllegalArgumentException(kind + (name == null ? "" : " '" + name + "'") + ": " + problem);
    }
  }

  public static String units(int units) {
    return units >= 1 ? null : "units must be at least 1, got " + units;
  }

  public static String inputSize(int size) {
    return size >= 1 ? null : "input sizes must be at least 1, got " + size;
  }

  public static String dropoutRate(double rate) {
    return rate >= 0 && rate < 1 ? null : "dropout rate must be in [0, 1), got " + rate;
  }

  public static String leakySlope(double alpha) {
    return Double.isFinite(alpha) ? null : "the leaky ReLU slope (alpha) must be finite, got " + alpha;
  }

  /**
   * Positive, and neither 0 nor ∞ in FLOAT32: a smaller rate makes every update W − α·δW give W back, a larger
   * one makes every weight ∞ or NaN.
   */
  public static String learningRate(double rate) {
    if (!(rate > 0) || !Double.isFinite(rate)) {
      return "learning rate must be positive and finite, got " + rate;
    }
    if (rate > Float.MAX_VALUE) {
      return "learning rate must be at most " + Float.MAX_VALUE + " (the largest FLOAT32; a larger rate is ∞ in "
          + "FLOAT32), got " + rate;
    }
    return rate >= Float.MIN_VALUE ? null : "learning rate must be at least " + Float.MIN_VALUE + " (the least "
        + "positive FLOAT32; a smaller rate is 0 in FLOAT32 and trains nothing), got " + rate;
  }

  /** For Adam's β₁ and β₂, momentum and RMSProp's ρ: a decay factor in [0, 1). */
  public static String decay(String what, double value) {
    return value >= 0 && value < 1 ? null : what + " must be in [0, 1), got " + value;
  }

  /**
   * For the ε added to a divisor (AdaGrad, RMSProp, Adam, batch normalisation): finite and at least the least positive
   * FLOAT32, which rounds a smaller ε to 0, so that a zero gradient or variance would make 0/0 = NaN there.
   */
  public static String epsilon(double epsilon) {
    return epsilon >= Float.MIN_VALUE && Double.isFinite(epsilon) ? null : "epsilon must be finite and at least "
        + Float.MIN_VALUE + " (the least positive FLOAT32; a smaller ε is 0 in FLOAT32), got " + epsilon;
  }

  public static String weightDecay(double decay) {
    return decay >= 0 && Double.isFinite(decay) ? null : "weight decay must be ≥ 0 and finite, got " + decay;
  }

  /** One thing wrong with a network: the layer it concerns (−1 for the network itself), the attribute, what to do. */
  public record Problem(int layerIndex, String attribute, String message) {
    @Override
    public String toString() {
      return (layerIndex >= 0 ? "layer " + layerIndex + " (" + attribute + "): " : attribute + ": ") + message;
    }
  }

  /**
   * What a kind answered null for, given input {@code in}: its output shape, or its parameters or buffers, as a list
   * or in one, which the network reads; null when it answered all three. Said here, naming the kind's class, rather
   * than as a failure to fit.
   */
  private static String nullAnswer(LayerSpec l, Shape in, Shape out) {
    String what = l.type() + " layer '" + l.name() + "' (" + l.getClass().getName() + "): its ";
    if (out == null) {
      return what + "outputShape(" + in + ") gave null; a kind gives the shape, or throws IllegalArgumentException "
          + "naming why the input does not fit";
    }
    String asked = "parameters";
    String hollow = hollow(l.parameters(in));
    if (hollow == null) {
      asked = "buffers";
      hollow = hollow(l.buffers(in));
    }
    return hollow == null ? null : what + asked + "(" + in + ") gave " + hollow;
  }

  /**
   * What is null of a kind's list of parameters or buffers, the list or an entry, and what it should be; or null. For
   * a kind that reads another's lists, as a block reads its nodes'.
   */
  public static String hollow(List<ParameterSpec> specs) {
    if (specs == null) {
      return "null; a kind gives an empty list when it has none";
    }
    for (int i = 0; i < specs.size(); i++) {
      if (specs.get(i) == null) {
        return "a list holding null at index " + i + "; each entry declares one tensor";
      }
    }
    return null;
  }

  /**
   * The most values one tensor holds: the longest Java array every JVM allocates, a few short of 2³¹ − 1 (HotSpot
   * refuses an array of 2³¹ − 1 whatever its heap, "Requested array size exceeds VM limit").
   */
  public static final int MAX_TENSOR_VALUES = Integer.MAX_VALUE - 8;

  /**
   * What of a layer would hold more values than one tensor can ({@link #MAX_TENSOR_VALUES}): a parameter or buffer it
   * declares for input {@code in}, or one sample of its output; null if nothing.
   */
  private static String tooLarge(LayerSpec l, Shape in, Shape out) {
    List<ParameterSpec> declared = new ArrayList<>(l.parameters(in));
    declared.addAll(l.buffers(in));
    for (ParameterSpec p : declared) {
      if (p.shape().size() > MAX_TENSOR_VALUES) {
        return l.type() + " layer '" + l.name() + "': its " + p.role() + " of shape " + p.shape() + " would hold "
            + p.shape().size() + " values, more than one tensor holds (" + MAX_TENSOR_VALUES + ")";
      }
    }
    if (out.size() > MAX_TENSOR_VALUES) {
      return l.type() + " layer '" + l.name() + "': one sample of its output, of shape " + out + ", would hold "
          + out.size() + " values, more than one tensor holds (" + MAX_TENSOR_VALUES + ")";
    }
    return null;
  }

  /**
   * Everything wrong with a network made of these parts, in order: a missing input or loss, no layers, duplicate
   * layer names, a softmax that is not the last layer, a layer whose input shape does not fit it or whose tensors would
   * not fit an array, a loss that does not fit the last layer.
   */
  public static List<Problem> networkProblems(Shape input, List<LayerSpec> layers, LossSpec loss) {
    List<Problem> problems = new ArrayList<>();
    if (input == null) {
      problems.add(new Problem(-1, "input", "the network has no input shape: declare the input size"));
    }
    if (layers == null || layers.isEmpty()) {
      problems.add(new Problem(-1, "layers", "the network has no layers"));
      layers = List.of();
    }
    Map<String, Integer> seen = new HashMap<>();
    String softmax = ActivationFunction.SOFTMAX.label();
    Shape shape = input;
    for (int i = 0; i < layers.size(); i++) {
      LayerSpec l = layers.get(i);
      if (l.name() != null) {
        Integer first = seen.putIfAbsent(l.name(), i);
        if (first != null) {
          problems.add(new Problem(i, "name",
              "duplicate layer name '" + l.name() + "' (also layer " + first + "): layer names must be unique"));
        }
      }
      if (softmax.equals(l.type()) && i != layers.size() - 1) {
        problems.add(new Problem(i, "function",
            "softmax must be the last layer (it normalises the outputs into probabilities), but layer "
                + (i + 1) + " follows it"));
      }
      if (shape != null) {
        Shape in = shape;
        try {
          shape = l.outputShape(in);
          String hollow = nullAnswer(l, in, shape);
          if (hollow != null) {
            problems.add(new Problem(i, "shape", hollow));
            shape = null;
            continue;
          }
          String tooLarge = tooLarge(l, in, shape);
          if (tooLarge != null) {
            problems.add(new Problem(i, "shape", tooLarge));
          }
        } catch (RuntimeException e) {
          problems.add(new Problem(i, "shape", l.type() + " layer '" + l.name() + "' cannot take an input of shape "
              + in + ": " + e.getMessage()));
          shape = null;
        }
      }
    }
    if (loss == null) {
      problems.add(new Problem(-1, "loss", "the network has no loss"));
    } else if (!layers.isEmpty()) {
      String misfit = loss.misfit(layers, shape);
      if (misfit != null) {
        problems.add(new Problem(-1, "loss", misfit));
      }
    }
    return problems;
  }
}
