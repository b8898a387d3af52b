package org.delta4j.dsl.processor.testkinds;

import java.util.List;
import org.delta4j.engine.Kernels;
import org.delta4j.spec.FieldReader;
import org.delta4j.spec.FieldWriter;
import org.delta4j.spec.LearningRateSchedule;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.tensor.Tensor;

/** An optimizer kind defined outside the API: gradient descent with its step multiplied by {@code scale}. */
public record ScaledSgdSpec(double learningRate, double scale, double weightDecay, LearningRateSchedule schedule)
    implements OptimizerSpec {
  public static final String TYPE = "scaled_sgd";

  public ScaledSgdSpec {
    Settings.check(TYPE, learningRate, weightDecay, schedule);
    if (!(scale > 0 && Double.isFinite(scale))) {
      throw new IllegalArgumentException(TYPE + ": scale must be positive and finite, got " + scale);
    }
  }

  static ScaledSgdSpec read(FieldReader f) {
    Settings s = Settings.read(f, 0);
    return new ScaledSgdSpec(s.learningRate(), f.number("scale", 1), s.weightDecay(), s.schedule());
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public List<String> stateNames() {
    return List.of();
  }

  @Override
  public void update(Kernels kernels, Tensor w, Tensor g, List<Tensor> state, double rate, long t) {
    kernels.axpy(-rate * scale, g, w);
  }

  @Override
  public void writeFields(FieldWriter out) {
    out.put("scale", scale);
  }
}
