package org.delta4j.nn.custom;

import java.util.List;
import org.delta4j.engine.Kernels;
import org.delta4j.spec.FieldReader;
import org.delta4j.spec.FieldWriter;
import org.delta4j.spec.LearningRateSchedule;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.tensor.Tensor;

/**
 * An optimizer kind with state, written outside {@code api}: s ← s + g; w ← w − α·s / t (steps along the mean of all
 * gradients so far), damped by {@code damping} ∈ [0, 1] towards plain SGD: w ← w − α·((1 − d)·s / t + d·g).
 */
public record AveragedSgd(double learningRate, double damping, double weightDecay, LearningRateSchedule schedule)
    implements OptimizerSpec {
  public static final String TYPE = "averaged_sgd";

  static AveragedSgd read(FieldReader f) {
    Settings s = Settings.read(f, 0);
    return new AveragedSgd(s.learningRate(), f.number("damping", 0.5), s.weightDecay(), s.schedule());
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public List<String> stateNames() {
    return List.of("sum");
  }

  @Override
  public void update(Kernels kernels, Tensor w, Tensor g, List<Tensor> state, double rate, long t) {
    kernels.axpy(1, g, state.get(0));
    kernels.axpy(-rate * (1 - damping) / t, state.get(0), w);
    kernels.axpy(-rate * damping, g, w);
  }

  @Override
  public void writeFields(FieldWriter out) {
    out.put("damping", damping);
  }
}
