package org.delta4j.nn.custom;

import org.delta4j.engine.Engine;
import org.delta4j.nn.Loss;
import org.delta4j.spec.FieldReader;
import org.delta4j.spec.FieldWriter;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.LossSpec;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Tensor;

/** A loss kind with a field, written outside {@code api}: w·MSE, and its gradient w·∂MSE/∂o. */
public record WeightedMse(double weight) implements LossSpec {
  public static final String TYPE = "weighted_mse";

  static WeightedMse read(FieldReader f) {
    return new WeightedMse(f.number("weight", Double.NaN));
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public void writeFields(FieldWriter out) {
    out.put("weight", weight);
  }

  @Override
  public Loss build(Engine engine, DataType dataType) {
    return new Loss() {
      public LossSpec spec() {
        return WeightedMse.this;
      }

      public double compute(Tensor predictions, Tensor targets, Tensor gradient) {
        Loss.checkShapes(WeightedMse.this, predictions, targets, gradient);
        double value = engine.kernels().loss(LossFunction.MEAN_SQUARED_ERROR, predictions, targets, gradient);
        if (gradient != null) {
          engine.kernels().scale(gradient, weight);
        }
        return weight * value;
      }
    };
  }
}
