package org.delta4j.gradcheck;

import java.util.LinkedHashMap;
import java.util.Map;
import org.delta4j.engine.Engine;
import org.delta4j.nn.Layer;
import org.delta4j.nn.Mode;
import org.delta4j.nn.Network;
import org.delta4j.nn.Parameter;
import org.delta4j.random.SplitMix64;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Tensor;

/**
 * Checks analytic gradients against central finite differences, (L(θ + ε) − L(θ − ε)) / 2ε, on any engine, in FLOAT64.
 * The error of each entry is max(0, |analytic − numeric| − δ) / max(|analytic| + |numeric|, {@value #FLOOR}): relative
 * where the gradient is large and absolute near zero, after the finite difference's own round-off δ = {@value
 * #ROUNDINGS}·u·(|L(θ + ε)| + |L(θ − ε)|) / 2ε (u = 2⁻⁵³, |L| the sum of the magnitudes the loss adds), which no
 * gradient can be held to: a correct zero gradient otherwise failed against a difference quotient of one unit in the
 * last place of the loss. The result reports the worst per tensor. Not thread-safe: the checked tensors are perturbed
 * in place (and restored).
 */
public final class GradientChecker {
  static final double FLOOR = 1e-8;
  /** Units of round-off in a computed loss: it is the sum of many rounded terms, not one rounding. */
  static final int ROUNDINGS = 16;
  private static final double UNIT_ROUNDOFF = 0x1p-53;

  private final double epsilon;
  private final int maxEntriesPerTensor;
  private final long seed;

  /**
   * @param epsilon the finite-difference step (1e-6 suits FLOAT64)
   * @param maxEntriesPerTensor how many entries of each tensor to check, drawn at random (all when the tensor is smaller)
   * @param seed the seed for choosing entries and for layer checks' random projections
   */
  public GradientChecker(double epsilon, int maxEntriesPerTensor, long seed) {
    if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
      throw new IllegalArgumentException("epsilon must be positive and finite, got " + epsilon);
    }
    if (maxEntriesPerTensor < 1) {
      // none checked would report no error at all: a pass
      throw new IllegalArgumentException("a check needs at least 1 entry per tensor, got " + maxEntriesPerTensor
          + " entries");
    }
    this.epsilon = epsilon;
    this.maxEntriesPerTensor = maxEntriesPerTensor;
    this.seed = seed;
  }

  /** ε = 1e-6, up to 64 entries per tensor, seed 1. */
  public GradientChecker() {
    this(1e-6, 64, 1);
  }

  /**
   * Checks ∂L/∂θ for every parameter and ∂L/∂input of the network's loss on one batch. The forward passes run in
   * training mode at one fixed step, so dropout keeps one mask throughout; the buffers they move (batch norm's
   * running statistics) are put back as they were, as are the weights.
   */
  public GradientCheckResult check(Network network, Tensor input, Tensor targets) {
    requireGiven(network, "network", input, targets);
    requireFloat64(network.dataType());
    Mode mode = Mode.training(network.optimizer().iterations());
    // every training-mode pass moves the buffers (batch norm's running statistics): put back as they were after
    Map<String, double[]> buffers = new LinkedHashMap<>();
    network.buffers().forEach((name, t) -> buffers.put(name, t.toDoubleArray()));
    try {
      return check(network, input, targets, mode);
    } finally {
      network.changeModel(() -> buffers.forEach((name, v) -> network.buffers().get(name).copyFrom(v)));
    }
  }

  private GradientCheckResult check(Network network, Tensor input, Tensor targets, Mode mode) {
    network.zeroGradients();
    double[] given = input.toDoubleArray();
    Tensor out = network.forward(input, mode);
    requireUnchanged("the network's first layer", input, given, "forward");
    Tensor grad = network.engine().zeros(out.dataType(), out.shape());
    network.loss().compute(out.asBatchMatrix(), targets.asBatchMatrix(), grad.asBatchMatrix());
    double[] inputGrad = network.backward(grad, true).toDoubleArray();
    requireUnchanged("the network's first layer", input, given, "backward");
    Map<String, double[]> analytic = new LinkedHashMap<>();
    for (Parameter p : network.parameters()) {
      analytic.put(p.name(), p.gradient().toDoubleArray());
    }
    Objective lossAt = magnitude -> {
      double loss = network.loss().compute(network.forward(input, mode).asBatchMatrix(), targets.asBatchMatrix(), null);
      magnitude[0] = Math.abs(loss); // losses average terms of one sign (a likelihood, a squared error)
      return loss;
    };
    Worst worst = new Worst();
    for (Parameter p : network.parameters()) {
      compare(p.name(), p.value(), analytic.get(p.name()), lossAt, worst);
    }
    compare("input", input, inputGrad, lossAt, worst);
    return new GradientCheckResult(worst.error, worst.entry, worst.byTensor);
  }


  /**
   * Refuses a layer that wrote into its input: the input is the caller's, or the layer before's output that its
   * backward pass reads, so a change there corrupts data and gradients unseen (every difference quotient would be
   * taken at another point, too).
   */
  private static void requireUnchanged(String who, Tensor input, double[] given, String pass) {
    double[] now = input.toDoubleArray();
    for (int i = 0; i < now.length; i++) {
      if (Double.doubleToLongBits(now[i]) != Double.doubleToLongBits(given[i])) {
        throw new IllegalStateException(who + " wrote into its input in " + pass + ": the input at index "
            + input.shape().index(i) + " was " + given[i] + " and is now " + now[i] + "; a layer reads its input and "
            + "never writes it (it is the caller's, or the output of the layer before, which its backward pass reads)");
      }
    }
  }

  /** Refuses a check of nothing, or on no batch, naming what is missing. */
  private static void requireGiven(Object checked, String what, Tensor input, Tensor targets) {
    if (checked == null || input == null || targets == null) {
      throw new IllegalArgumentException("a gradient check needs a " + what + ", an input batch"
          + (what.equals("network") ? " and its targets" : "") + "; the " + (checked == null ? what
          : input == null ? "input" : "targets") + " is null");
    }
  }

  /**
   * Checks one layer on its own: the loss is L = Σ r ⊙ layer(input) for a fixed random r, so ∂L/∂output = r.
   * Checks ∂L/∂θ for every parameter and ∂L/∂input.
   */
  public GradientCheckResult checkLayer(Layer layer, Tensor input) {
    requireGiven(layer, "layer", input, input);
    requireFloat64(input.dataType());
    Engine engine = input.engine();
    Mode mode = Mode.training(0);
    double[] given = input.toDoubleArray();
    String named = "layer '" + layer.name() + "' (" + layer.getClass().getName() + ")";
    Tensor y = layer.forward(input, mode);
    requireUnchanged(named, input, given, "forward");
    int rows = input.shape().dim(0);
    Layer.checkOutput(layer, y, rows, engine, DataType.FLOAT64);
    double[] r = new double[(int) y.size()];
    SplitMix64 random = new SplitMix64(seed);
    for (int i = 0; i < r.length; i++) {
      r[i] = 2 * random.nextDouble() - 1;
    }
    Tensor dy = engine.tensor(DataType.FLOAT64, y.shape(), r);
    for (Parameter p : layer.parameters()) {
      engine.kernels().fill(p.gradient(), 0);
    }
    Tensor dx = layer.backward(dy, true);
    requireUnchanged(named, input, given, "backward");
    Layer.checkInputGradient(layer, dx, rows, engine, DataType.FLOAT64);
    double[] inputGrad = dx.toDoubleArray();
    Map<String, double[]> analytic = new LinkedHashMap<>();
    for (Parameter p : layer.parameters()) {
      analytic.put(p.name(), p.gradient().toDoubleArray());
    }
    Objective lossAt = magnitude -> {
      double[] out = layer.forward(input, mode).toDoubleArray();
      double sum = 0;
      double terms = 0; //   r's signs are random: the sum cancels, its rounding is of the terms' size
      for (int i = 0; i < out.length; i++) {
        sum += r[i] * out[i];
        terms += Math.abs(r[i] * out[i]);
      }
      magnitude[0] = terms;
      return sum;
    };
    Worst worst = new Worst();
    for (Parameter p : layer.parameters()) {
      compare(p.name(), p.value(), analytic.get(p.name()), lossAt, worst);
    }
    compare("input", input, inputGrad, lossAt, worst);
    return new GradientCheckResult(worst.error, worst.entry, worst.byTensor);
  }

  @FunctionalInterface
  private interface Objective {
    /** The loss at the parameters as they stand; {@code magnitude[0]} gets the scale of its rounding error. */
    double value(double[] magnitude);
  }

  private static final class Worst {
    double error;
    String entry = "";
    final Map<String, Double> byTensor = new LinkedHashMap<>();
  }

  private void compare(
      String name, Tensor tensor, double[] analytic, Objective loss, Worst worst) {
    double[] values = tensor.toDoubleArray();
    int[] entries = chooseEntries(values.length, name);
    double max = 0;
    double[] magnitude = new double[1];
    for (int i : entries) {
      double original = values[i];
      double up = original + epsilon;
      double down = original - epsilon;
      double step = up - down; // the step taken, which is 2ε only where ε is many units of the value's last place
      if (!(step > 0) || Double.isInfinite(step)) {
        throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "a gradient check with ε = %s cannot "
            + "move %s[%d] = %s (a step of %s): choose an ε well above the value's last place (%s), such as 1e-6",
            epsilon, name, i, original, step, Math.ulp(original)));
      }
      values[i] = up;
      tensor.copyFrom(values);
      double plus = loss.value(magnitude);
      double scale = magnitude[0];
      values[i] = down;
      tensor.copyFrom(values);
      double minus = loss.value(magnitude);
      scale += magnitude[0];
      values[i] = original;
      tensor.copyFrom(values);
      double numeric = (plus - minus) / step;
      double roundOff = ROUNDINGS * UNIT_ROUNDOFF * scale / step;
      double error = Math.max(0, Math.abs(analytic[i] - numeric) - roundOff)
          / Math.max(Math.abs(analytic[i]) + Math.abs(numeric), FLOOR);
      if (Double.isNaN(error)) { // a NaN gradient or loss: no comparison holds, and NaN > max would pass it
        error = Double.POSITIVE_INFINITY;
      }
      if (error > max) {
        max = error;
      }
      if (error > worst.error) {
        worst.error = error;
        worst.entry = name + "[" + i + "]: analytic " + analytic[i] + ", numeric " + numeric + " (± " + roundOff
            + " of round-off)";
      }
    }
    worst.byTensor.put(name, max);
  }

  private int[] chooseEntries(int n, String name) {
    if (n <= maxEntriesPerTensor) {
      int[] all = new int[n];
      for (int i = 0; i < n; i++) {
        all[i] = i;
      }
      return all;
    }
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    SplitMix64.forStream(seed, name.hashCode()).shuffle(all);
    return java.util.Arrays.copyOf(all, maxEntriesPerTensor);
  }

  private static void requireFloat64(DataType type) {
    if (type != DataType.FLOAT64) {
      throw new IllegalArgumentException("gradient checks run in FLOAT64 (finite differences in FLOAT32 are too "
          + "coarse to judge anything); got " + type);
    }
  }
}
