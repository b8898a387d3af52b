package org.delta4j.conformance;

import java.util.List;
import java.util.concurrent.Semaphore;
import org.delta4j.nn.Layer;
import org.delta4j.nn.LayerContext;
import org.delta4j.nn.Mode;
import org.delta4j.nn.Parameter;
import org.delta4j.spec.FieldWriter;
import org.delta4j.spec.LayerSpec;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;

/**
 * An identity layer whose forward pass signals {@link #ENTERED} and then waits for {@link #RELEASE}: it holds a thread
 * inside a network so that a test can try a second one. Not registered as a kind (it never leaves the test).
 */
final class BlockingLayerSpec implements LayerSpec {
  static final Semaphore ENTERED = new Semaphore(0);
  static final Semaphore RELEASE = new Semaphore(0);

  @Override
  public String type() {
    return "blocking_identity";
  }

  @Override
  public String name() {
    return "blocking";
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
        return "blocking";
      }

      public Shape inputShape() {
        return c.inputShape();
      }

      public Shape outputShape() {
        return c.inputShape();
      }

      public Tensor forward(Tensor input, Mode mode) {
        if (Thread.currentThread().getName().equals("first")) {
          ENTERED.release();
          RELEASE.acquireUninterruptibly();
        }
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
