package org.delta4j.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Kernels;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.tensor.Tensor;

/**
 * The {@link Optimizer} of any {@link OptimizerSpec}: keeps the per-parameter state tensors the spec names (and the
 * work tensors it asks for), and per
 * update t takes the scheduled rate α_t, applies the weight decay (L2: the rule reads g + λ·w; decoupled: w ← (1 −
 * α_t·λ)·w), then the spec's rule for each parameter. As PyTorch's weight_decay, L2 decay leaves the gradient tensor
 * as the loss gave it: g + λ·w is formed in a tensor of its own per parameter, made once. Not thread-safe.
 */
public final class ParameterOptimizer implements Optimizer {
  private final OptimizerSpec spec;
  private final List<Parameter> parameters;
  private final Kernels kernels;
  private final List<List<Tensor>> states = new ArrayList<>();
  /** Per parameter, where L2 decay forms g + λ·w for the rule; empty without L2 decay. */
  private final List<Tensor> decayedGradients = new ArrayList<>();
  private final Map<String, Tensor> stateView;
  private long iterations;

  public ParameterOptimizer(OptimizerSpec spec, List<Parameter> parameters, Engine engine) {
    this.spec = Objects.requireNonNull(spec, "optimizer spec is null");
    this.parameters = List.copyOf(Objects.requireNonNull(parameters, () -> spec.type() + " optimizer: parameters is null"));
    this.kernels = Objects.requireNonNull(engine, () -> spec.type() + " optimizer: engine is null").kernels();
    checkStateNames(spec);
    Map<String, Tensor> view = new LinkedHashMap<>();
    for (Parameter p : this.parameters) {
      List<Tensor> s = new ArrayList<>();
      for (String name : spec.stateNames()) {
        Tensor t = engine.zeros(p.value().dataType(), p.value().shape());
        s.add(t);
        view.put(p.name() + "/" + name, t);
      }
      for (int i = 0; i < spec.workTensors(); i++) {
        s.add(engine.zeros(p.value().dataType(), p.value().shape()));
      }
      states.add(List.copyOf(s));
      if (spec.weightDecay() != 0 && !spec.decoupledWeightDecay()) {
        decayedGradients.add(engine.zeros(p.value().dataType(), p.value().shape()));
      }
    }
    this.stateView = Collections.unmodifiableMap(view);
  }

  /**
   * State names key the saved tensors (parameter/name): two alike would save one tensor for both, and resuming would
   * silently start the other from zero.
   */
  private static void checkStateNames(OptimizerSpec spec) {
    List<String> names = spec.stateNames();
    boolean usable = names != null && names.stream().allMatch(n -> n != null && !n.isBlank() && !n.contains("/"))
        && new HashSet<>(names).size() == names.size();
    if (!usable || spec.workTensors() < 0) {
      throw new IllegalArgumentException(spec.type() + " optimizer (" + spec.getClass().getName() + "): its state "
          + "names must be distinct non-empty names without '/' and its work tensors ≥ 0, got " + names + " and "
          + spec.workTensors());
    }
  }

  /**
   * {@inheritDoc} After {@link Long#MAX_VALUE} updates there is no next update number: the count would wrap to a
   * negative t, for which Adam's bias corrections 1 − βᵗ are −∞ and the schedules raise the rate instead of lowering
   * it. That update is refused with an {@link ArithmeticException}, nothing changed.
   */
  @Override
  public void step() {
    if (iterations == Long.MAX_VALUE) {
      throw new ArithmeticException(spec.type() + " optimizer: " + iterations + " updates made, the most an update "
          + "count holds; no further update is made");
    }
    double rate = currentLearningRate();
    double decay = spec.weightDecay();
    long t = iterations + 1;
    for (int i = 0; i < parameters.size(); i++) {
      Tensor w = parameters.get(i).value();
      Tensor g = parameters.get(i).gradient();
      if (decay != 0) {
        if (spec.decoupledWeightDecay()) {
          kernels.scale(w, 1 - rate * decay); // w ← w − α·λ·w
        } else { // L2: the rule reads g + λ·w, g left as it is
          Tensor decayed = decayedGradients.get(i);
          kernels.copy(g, decayed);
          kernels.axpy(decay, w, decayed);
          g = decayed;
        }
      }
      spec.update(kernels, w, g, states.get(i), rate, t);
    }
    iterations = t;
  }

  @Override
  public long iterations() {
    return iterations;
  }

  @Override
  public double currentLearningRate() {
    return spec.schedule().rate(spec.learningRate(), iterations);
  }

  @Override
  public Map<String, Tensor> state() {
    return stateView;
  }

  @Override
  public void restore(long iterations) {
    if (iterations < 0) {
      throw new IllegalArgumentException("iterations must be ≥ 0, got " + iterations);
    }
    this.iterations = iterations;
  }

  public OptimizerSpec spec() {
    return spec;
  }
}
