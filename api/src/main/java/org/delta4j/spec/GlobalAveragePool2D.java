package org.delta4j.spec;

import java.util.Objects;
import org.delta4j.nn.Layer;
import org.delta4j.nn.LayerContext;
import org.delta4j.nn.layers.Pool2DLayer;
import org.delta4j.tensor.Shape;

/** The mean of each channel of an image [C, H, W] over all its positions: output [C], y[n, c] = Σ x[n, c] / (H·W). */
public record GlobalAveragePool2D(String name) implements LayerSpec {
  public static final String TYPE = "global_avg_pool2d";

  public GlobalAveragePool2D() {
    this(null);
  }

  static GlobalAveragePool2D read(FieldReader f) {
    return new GlobalAveragePool2D(f.name());
  }

  /** One window over the whole image. */
  private static Window2D window(Shape input) {
    Objects.requireNonNull(input, "global average pooling: input shape is null");
    Objects.requireNonNull(input, "global average pooling: input shape is null");
    if (input.rank() != 3) {
      throw new IllegalArgumentException("it takes images of shape [channels, height, width], not " + input);
    }
    return new Window2D(input.dim(1), input.dim(2), 1, 1, 1, 1, Padding.VALID);
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public String kindLabel() {
    return "gap";
  }

  @Override
  public GlobalAveragePool2D withName(String name) {
    return new GlobalAveragePool2D(name);
  }

  @Override
  public Shape outputShape(Shape input) {
    return Shape.of(window(input).geometry(input).channels());
  }

  @Override
  public Layer build(LayerContext c) {
    return new Pool2DLayer(c.name(), false, window(c.inputShape()).geometry(c.inputShape()),
        outputShape(c.inputShape()), c.engine(), c.dataType());
  }

  @Override
  public void writeFields(FieldWriter out) {}

  @Override
  public String summary() {
    return "global-avg-pool";
  }
}
