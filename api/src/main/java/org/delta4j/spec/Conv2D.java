package org.delta4j.spec;

import java.util.ArrayList;
import java.util.List;
import org.delta4j.nn.Layer;
import org.delta4j.nn.LayerContext;
import org.delta4j.nn.layers.Conv2DLayer;
import org.delta4j.tensor.Shape;

/**
 * A 2-D convolution (cross-correlation, as in every framework) of images [C, H, W] with {@code filters} kernels
 * W [F, C, kh, kw] and, when {@code useBias}, a bias b [F]: Y[n, f, y, x] = Σ_{c,i,j} W[f, c, i, j]·X[n, c, y·s −
 * p + i·d, x·s − p + j·d] + b[f], output [F, oh, ow] (sizes on {@link Window2D}). He-uniform weights by default
 * (fan-in C·kh·kw), suited to a following ReLU.
 */
public record Conv2D(String name, int filters, Window2D window, Initializer weights, boolean useBias,
    Initializer bias) implements LayerSpec {
  public static final String TYPE = "conv2d";

  public Conv2D {
    SpecRules.require(filters >= 1 ? null : "filters must be at least 1, got " + filters, "conv2d layer", name);
    SpecRules.require(window == null || weights == null || bias == null ? "window and initializers must not be null"
        : null, "conv2d layer", name);
  }

  /** {@code filters} k×k kernels of stride 1, He-uniform weights, zero biases. */
  public Conv2D(int filters, int k, Padding padding) {
    this(null, filters, Window2D.square(k, padding), Initializer.heUniform(), true, Initializer.zeros());
  }

  /** {@code filters} kernels over {@code window}, He-uniform weights, zero biases. */
  public Conv2D(int filters, Window2D window) {
    this(null, filters, window, Initializer.heUniform(), true, Initializer.zeros());
  }

  static Conv2D read(FieldReader f) {
    return new Conv2D(f.name(), f.integer("filters", null), Window2D.read(f, new int[] {1, 1}),
        f.initializer("weights", Initializer.heUniform()), f.bool("use_bias", true),
        f.initializer("bias", Initializer.zeros()));
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Conv2D withName(String name) {
    return new Conv2D(name, filters, window, weights, useBias, bias);
  }

  @Override
  public Shape outputShape(Shape input) {
    var g = window.geometry(input);
    return Shape.of(filters, g.outputHeight(), g.outputWidth());
  }

  @Override
  public List<ParameterSpec> parameters(Shape input) {
    var g = window.geometry(input);
    int fanIn = g.columnRows();
    int fanOut = filters * g.taps();
    List<ParameterSpec> p = new ArrayList<>();
    p.add(new ParameterSpec("weight", Shape.of(filters, g.channels(), g.kernelHeight(), g.kernelWidth()), weights,
        fanIn, fanOut));
    if (useBias) {
      p.add(new ParameterSpec("bias", Shape.of(filters), bias, fanIn, fanOut));
    }
    return p;
  }

  @Override
  public Layer build(LayerContext c) {
    return new Conv2DLayer(c.name(), window.geometry(c.inputShape()), filters, c.parameter("weight"),
        useBias ? c.parameter("bias") : null, c.engine(), c.dataType());
  }

  @Override
  public void writeFields(FieldWriter out) {
    out.put("filters", filters);
    window.write(out);
    out.put("weights", weights).put("use_bias", useBias).put("bias", bias);
  }

  @Override
  public String summary() {
    return "conv " + filters + " " + window;
  }
}
