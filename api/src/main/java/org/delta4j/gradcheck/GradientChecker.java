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
 * #ROUNDINGS}·u·(|L(θ + ε)| + |L(θ − ε)|) / 2ε (u = 2⁻⁵³, |L| the sum of the magnitudes the loss adds; for a layer's
 * check, of the outputs the step moved), which no gradient can be held to: a correct zero gradient otherwise failed
 * against a difference quotient of one unit in the last place of the loss. Where δ is {@value #RESOLUTION} or more of
 * the tensor's largest gradient the check cannot tell a right gradient from a wrong one, and the entry's error is
 * δ ÷ that gradient, named as inconclusive, rather than a pass. The result reports the worst per tensor. A network or
 * layer whose forward pass gives another output for the same input at the same step is refused, as no finite
 * difference of it measures a gradient. Not thread-safe: the checked tensors are perturbed in place (and restored).
 */
public final class GradientChecker {
  static final double FLOOR = 1e-8;
  /** Units of round-off in a computed loss: it is the sum of many rounded terms, not one rounding. */
  static final int ROUNDINGS = 16;
  /**
   * The share of a tensor's largest gradient at which an entry's round-off leaves its check inconclusive, reported as
   * an error of round-off ÷ largest gradient, not a pass.
   */
  static final double RESOLUTION = 0.1;
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
    double[] first = out.toDoubleArray();
    out = network.forward(input, mode);
    requireDeterministic("the network", first, out);
    Tensor grad = network.engine().zeros(out.dataType(), out.shape());
    network.loss().compute(out.asBatchMatrix(), targets.asBatchMatrix(), grad.asBatchMatrix());
    double[] inputGrad = network.backward(grad, true).toDoubleArray();
    requireUnchanged("the network's first layer", input, given, "backward");
    Map<String, double[]> analytic = new LinkedHashMap<>();
    for (Parameter p : network.parameters()) {
      analytic.put(p.name(), p.gradient().toDoubleArray());
    }
    java.util.function.DoubleSupplier loss = () -> network.loss().compute(network.forward(input, mode)
        .asBatchMatrix(), targets.asBatchMatrix(), null);
    Difference lossAt = (up, down) -> {
      up.run();
      double plus = loss.getAsDouble();
      down.run();
      double minus = loss.getAsDouble();
      // losses average terms of one sign (a likelihood, a squared error): |L| is the scale of their rounding
      return new double[] {plus - minus, Math.abs(plus) + Math.abs(minus)};
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

  /**
   * Refuses what gives two outputs for one input at one step: every difference quotient would then measure the change
   * between two passes, not the gradient, and a correct backward pass would fail the check as if it were wrong.
   */
  private static void requireDeterministic(String who, double[] first, Tensor again) {
    double[] second = again.toDoubleArray();
    if (second.length != first.length) {
      throw new IllegalStateException(who + " is not deterministic: two forward passes of one input at one step gave "
          + first.length + " and then " + second.length + " output values");
    }
    for (int i = 0; i < first.length; i++) {
      if (first[i] != second[i] && !(Double.isNaN(first[i]) && Double.isNaN(second[i]))) { // NaN: the check says
        throw new IllegalStateException(who + " is not deterministic: two forward passes of one input at one step "
            + "gave " + first[i] + " and then " + second[i] + " at output index " + again.shape().index(i) + ", so a "
            + "finite difference would measure the change between passes, not the gradient; a stochastic layer draws "
            + "from its seed and the pass's step (Mode), never from a generator or state of its own");
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
    double[] first = y.toDoubleArray();
    y = layer.forward(input, mode);
    requireDeterministic(named, first, y);
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
    // L(θ + ε) − L(θ − ε) taken output by output, Σ r·(y⁺ − y⁻), each output's rounding counted only where the step
    // moved it: as a difference of two sums, an output the entry does not reach (of 1e12, say) rounded both sums by
    // more than the gradient, and a wrong gradient passed inside that round-off
    Difference lossAt = (up, down) -> {
      up.run();
      double[] plus = layer.forward(input, mode).toDoubleArray();
      down.run();
      double[] minus = layer.forward(input, mode).toDoubleArray();
      double difference = 0;
      double terms = 0;
      for (int i = 0; i < plus.length; i++) {
        if (!(plus[i] == minus[i])) { // NaN included, so that it reaches the quotient
          difference += r[i] * (plus[i] - minus[i]);
          terms += Math.abs(r[i]) * (Math.abs(plus[i]) + Math.abs(minus[i]));
        }
      }
      return new double[] {difference, terms};
    };
    Worst worst = new Worst();
    for (Parameter p : layer.parameters()) {
      compare(p.name(), p.value(), analytic.get(p.name()), lossAt, worst);
    }
    compare("input", input, inputGrad, lossAt, worst);
    return new GradientCheckResult(worst.error, worst.entry, worst.byTensor);
  }

  @FunctionalInterface
  private interface Difference {
    /**
     * L(θ + ε) − L(θ − ε), {@code up} and {@code down} setting the entry to θ + ε and θ − ε, and the scale of that
     * difference's rounding error (the magnitudes rounded in it), as {difference, scale}.
     */
    double[] between(Runnable up, Runnable down);
  }

  private static final class Worst {
    double error;
    String entry = "";
    final Map<String, Double> byTensor = new LinkedHashMap<>();
  }

  private void compare(String name, Tensor tensor, double[] analytic, Difference loss, Worst worst) {
    double[] values = tensor.toDoubleArray();
    int[] entries = chooseEntries(values.length, name);
    double[] numeric = new double[entries.length];
    double[] roundOff = new double[entries.length];
    double largest = 0; // the tensor's largest gradient among the entries: the scale its round-off is judged by
    for (int k = 0; k < entries.length; k++) {
      int i = entries[k];
      double original = values[i];
      double up = original + epsilon;
      double down = original - epsilon;
      double step = up - down; // the step taken, which is 2ε only where ε is many units of the value's last place
      if (!(step > 0) || Double.isInfinite(step)) {
        throw new IllegalArgumentException(Double.isNaN(original)
            ? String.format(java.util.Locale.ROOT, "a gradient check cannot move %s[%d]: it holds NaN", name, i)
            : String.format(java.util.Locale.ROOT, "a gradient check with ε = %s cannot move %s[%d] = %s (a step of "
                + "%s): choose an ε well above the value's last place (%s), such as %s", epsilon, name, i, original,
                step, Math.ulp(original), 1e-6 * Math.max(1, Math.abs(original))));
      }
      double[] d = loss.between(() -> set(tensor, values, i, up), () -> set(tensor, values, i, down));
      set(tensor, values, i, original);
      numeric[k] = d[0] / step;
      roundOff[k] = ROUNDINGS * UNIT_ROUNDOFF * d[1] / step;
      largest = Math.max(largest, Math.abs(analytic[i]));
    }
    double max = 0;
    for (int k = 0; k < entries.length; k++) {
      int i = entries[k];
      double error = Math.max(0, Math.abs(analytic[i] - numeric[k]) - roundOff[k])
          / Math.max(Math.abs(analytic[i]) + Math.abs(numeric[k]), FLOOR);
      // A difference quotient whose round-off is near the size of the tensor's gradients cannot tell a right gradient
      // from a wrong one (twice the right one passed inside it): the check is inconclusive there, not passed
      boolean unresolved = largest > FLOOR && roundOff[k] >= RESOLUTION * largest;
      if (unresolved) {
        error = Math.max(error, roundOff[k] / largest);
      }
      if (Double.isNaN(error)) { // a NaN gradient or loss: no comparison holds, and NaN > max would pass it
        error = Double.POSITIVE_INFINITY;
      }
      if (error > max) {
        max = error;
      }
      if (error > worst.error) {
        worst.error = error;
        worst.entry = name + "[" + i + "]: analytic " + analytic[i] + ", numeric " + numeric[k] + " (± "
            + roundOff[k] + " of round-off)" + (unresolved ? ", which the check cannot resolve: its round-off is "
            + RESOLUTION + " or more of the tensor's largest gradient (" + largest + "); take a larger ε, or check "
            + "a loss of smaller magnitude" : "");
      }
    }
    worst.byTensor.put(name, max);
  }

  private static void set(Tensor tensor, double[] values, int i, double value) {
    values[i] = value;
    tensor.copyFrom(values);
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
