package org.delta4j.nn.custom;

import java.util.List;
import org.delta4j.engine.Kernels;
import org.delta4j.nn.BatchTensors;
import org.delta4j.nn.Layer;
import org.delta4j.nn.LayerContext;
import org.delta4j.nn.Mode;
import org.delta4j.nn.Parameter;
import org.delta4j.spec.FieldReader;
import org.delta4j.spec.FieldWriter;
import org.delta4j.spec.Initializer;
import org.delta4j.spec.LayerSpec;
import org.delta4j.spec.ParameterSpec;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;

/**
 * A layer kind written outside {@code api}, as a user would: y = s·x with one learned scalar s (starting at {@code
 * initial}), and a buffer counting the training passes it has seen. dx = s·dy; ds = Σ x·dy.
 */
public record LearnedScale(String name, double initial) implements LayerSpec {
  public static final String TYPE = "learned_scale";

  static LearnedScale read(FieldReader f) {
    return new LearnedScale(f.name(), f.number("initial", 1));
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public LearnedScale withName(String name) {
    return new LearnedScale(name, initial);
  }

  @Override
  public Shape outputShape(Shape input) {
    return input;
  }

  @Override
  public List<ParameterSpec> parameters(Shape input) {
    return List.of(ParameterSpec.of("scale", Shape.of(1), Initializer.constant(initial)));
  }

  @Override
  public List<ParameterSpec> buffers(Shape input) {
    return List.of(ParameterSpec.of("passes", Shape.of(1), Initializer.zeros()));
  }

  @Override
  public void writeFields(FieldWriter out) {
    out.put("initial", initial);
  }

  @Override
  public Layer build(LayerContext c) {
    Parameter scale = c.parameter("scale");
    Tensor passes = c.buffer("passes");
    Kernels k = c.kernels();
    BatchTensors outputs = new BatchTensors(c.engine(), c.dataType(), c.inputShape());
    BatchTensors products = new BatchTensors(c.engine(), c.dataType(), c.inputShape());
    Tensor one = c.engine().tensor(c.dataType(), Shape.of(1), 1);
    return new Layer() {
      private Tensor input;

      public String name() {
        return c.name();
      }

      public Shape inputShape() {
        return c.inputShape();
      }

      public Shape outputShape() {
        return c.inputShape();
      }

      public Tensor forward(Tensor x, Mode mode) {
        Tensor y = outputs.get(x.shape().dim(0));
        k.copy(x, y);
        k.scale(y, scale.value().getDouble(0));
        if (mode.training()) {
          input = x;
          k.axpy(1, one, passes);
        }
        return y;
      }

      public Tensor backward(Tensor dy, boolean needInputGradient) {
        Tensor xdy = products.get(dy.shape().dim(0));
        k.multiply(input, dy, xdy);
        k.sumRows(xdy.reshape(Shape.of((int) xdy.size(), 1)), 1, scale.gradient()); // ds += Σ x·dy
        if (!needInputGradient) {
          return null;
        }
        k.scale(xdy, 0);
        k.axpy(scale.value().getDouble(0), dy, xdy); // dx = s·dy (the product buffer, no longer needed, holds it)
        return xdy;
      }

      public List<Parameter> parameters() {
        return List.of(scale);
      }
    };
  }
}
