package org.delta4j.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Kernels;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.tensor.Tensor;

/**
 * The optimizers of {@link OptimizerSpec}, each update running as one engine kernel per parameter. Per update t: the
 * rate α_t comes from the schedule; L2 weight decay adds λ·w to the gradient (g ← g + λ·w); then the rule runs (SGD:
 * W ← W − α_t·δW; the others as stated on {@link Kernels}). AdamW instead decays w ← (1 − α_t·λ)·w before its step.
 */
public final class BuiltInOptimizer implements Optimizer {
  private final OptimizerSpec spec;
  private final List<Parameter> parameters;
  private final Kernels kernels;
  private final List<Tensor[]> states = new ArrayList<>();
  private final Map<String, Tensor> stateView;
  private long iterations;

  public BuiltInOptimizer(OptimizerSpec spec, List<Parameter> parameters, Engine engine) {
    this.spec = spec;
    this.parameters = List.copyOf(parameters);
    this.kernels = engine.kernels();
    Map<String, Tensor> view = new LinkedHashMap<>();
    List<String> names = spec.stateNames();
    for (Parameter p : this.parameters) {
      Tensor[] s = new Tensor[names.size()];
      for (int i = 0; i < s.length; i++) {
        s[i] = engine.zeros(p.value().dataType(), p.value().shape());
        view.put(p.name() + "/" + names.get(i), s[i]);
      }
      states.add(s);
    }
    this.stateView = Collections.unmodifiableMap(view);
  }

  @Override
  public void step() {
    double rate = currentLearningRate();
    double decay = spec.weightDecay();
    long t = iterations + 1;
    for (int i = 0; i < parameters.size(); i++) {
      Tensor w = parameters.get(i).value();
      Tensor g = parameters.get(i).gradient();
      Tensor[] s = states.get(i);
      if (decay != 0 && !(spec instanceof OptimizerSpec.AdamW)) {
        kernels.axpy(decay, w, g); // L2: g ← g + λ·w
      }
      if (spec instanceof OptimizerSpec.Sgd) {
        kernels.axpy(-rate, g, w); // W ← W − α·δW
      } else if (spec instanceof OptimizerSpec.Momentum m) {
        kernels.momentumUpdate(w, g, s[0], rate, m.momentum(), false);
      } else if (spec instanceof OptimizerSpec.Nesterov n) {
        kernels.momentumUpdate(w, g, s[0], rate, n.momentum(), true);
      } else if (spec instanceof OptimizerSpec.AdaGrad a) {
        kernels.adaGradUpdate(w, g, s[0], rate, a.epsilon());
      } else if (spec instanceof OptimizerSpec.RmsProp r) {
        kernels.rmsPropUpdate(w, g, s[0], rate, r.rho(), r.epsilon());
      } else if (spec instanceof OptimizerSpec.Adam a) {
        adam(w, g, s, rate, a.beta1(), a.beta2(), a.epsilon(), t);
      } else if (spec instanceof OptimizerSpec.AdamW a) {
        if (decay != 0) {
          kernels.scale(w, 1 - rate * decay); // decoupled: w ← w − α·λ·w
        }
        adam(w, g, s, rate, a.beta1(), a.beta2(), a.epsilon(), t);
      } else {
        throw new AssertionError(spec);
      }
    }
    iterations = t;
  }

  /** Adam with its bias corrections c₁ = 1 − β₁ᵗ, c₂ = 1 − β₂ᵗ for step t (see {@link Kernels#adamUpdate}). */
  private void adam(Tensor w, Tensor g, Tensor[] s, double rate, double beta1, double beta2, double eps, long t) {
    kernels.adamUpdate(w, g, s[0], s[1], rate, beta1, beta2, eps, 1 - Math.pow(beta1, t), 1 - Math.pow(beta2, t));
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
