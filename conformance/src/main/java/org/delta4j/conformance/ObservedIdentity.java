package org.delta4j.conformance;

import java.util.List;
import java.util.function.Consumer;
import org.delta4j.nn.Layer;
import org.delta4j.nn.LayerContext;
import org.delta4j.nn.Mode;
import org.delta4j.nn.Parameter;
import org.delta4j.spec.FieldWriter;
import org.delta4j.spec.LayerSpec;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;

/**
 * An identity layer that hands each forward pass's input to {@code onForward} first: a test's window into a network
 * (the batch sizes it is run on, or a thread held inside it while the test tries a second). Not registered as a kind:
 * it never leaves the test that makes it.
 *
 * @param type the kind's type name, for the test's messages
 * @param onForward called with each input [N, ...] on the thread that runs the pass
 */
public record ObservedIdentity(String type, Consumer<Tensor> onForward) implements LayerSpec {
  @Override
  public String name() {
    return type;
  }

  @Override
  public LayerSpec withName(String name) {
    return this;
  }

  @Override
  public Shape outputShape(Shape input) {
    return input;
  }

  @Override
  public void writeFields(FieldWriter out) {}

  @Override
  public Layer build(LayerContext c) {
    return new Layer() {
      public String name() {
        return type;
      }

      public Shape inputShape() {
        return c.inputShape();
      }

      public Shape outputShape() {
        return c.inputShape();
      }

      public Tensor forward(Tensor input, Mode mode) {
        onForward.accept(input);
        return input;
      }

      public Tensor backward(Tensor gradOutput, boolean needInputGradient) {
        return gradOutput;
      }

      public List<Parameter> parameters() {
        return List.of();
      }
    };
  }
}
