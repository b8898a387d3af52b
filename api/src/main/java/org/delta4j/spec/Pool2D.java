package org.delta4j.spec;

import java.util.Locale;
import org.delta4j.nn.Layer;
import org.delta4j.nn.LayerContext;
import org.delta4j.nn.layers.Pool2DLayer;
import org.delta4j.tensor.Shape;

/**
 * Max or average pooling of images [C, H, W], each channel on its own, over a {@link Window2D} whose stride defaults
 * to its kernel: output [C, oh, ow]. Max pooling ignores padding; average pooling counts it as zeros and divides by
 * kh·kw. Explicit padding may be at most half the window, and no window may see padding alone (a dilated window's
 * taps can step over a small image, whatever the padding).
 */
public record Pool2D(String name, Kind kind, Window2D window) implements LayerSpec {
  /** The two kinds, each its own JSON type. */
  public enum Kind {
    MAX("max_pool2d"),
    AVERAGE("avg_pool2d");

    private final String type;

    Kind(String type) {
      this.type = type;
    }

    public String type() {
      return type;
    }
  }

  public Pool2D {
    String where = kind == null ? "pooling layer" : kind.type + " layer";
    SpecRules.require(kind == null || window == null ? "kind and window must not be null" : null, where, name);
    // in long: twice a padding past 2³⁰, or a dilated span, wraps around in int
    SpecRules.require(window.padding().height() * 2L > (long) window.dilationHeight() * (window.kernelHeight() - 1) + 1
        || window.padding().width() * 2L > (long) window.dilationWidth() * (window.kernelWidth() - 1) + 1
        ? window.padding() + " is more than half the window " + window.kernelHeight() + "×"
            + window.kernelWidth() + ": some windows would see padding alone" : null, where, name);
  }

  /** Pooling over k×k windows of stride k, no padding. */
  public Pool2D(Kind kind, int k) {
    this(null, kind, new Window2D(k, k, k, k, 1, 1, Padding.VALID));
  }

  static Pool2D read(Kind kind, FieldReader f) {
    return new Pool2D(f.name(), kind, Window2D.read(f, null));
  }

  @Override
  public String type() {
    return kind.type;
  }

  @Override
  public String kindLabel() {
    return kind == Kind.MAX ? "maxpool" : "avgpool";
  }

  @Override
  public Pool2D withName(String name) {
    return new Pool2D(name, kind, window);
  }

  @Override
  public Shape outputShape(Shape input) {
    var g = window.geometry(input);
    // a max over padding alone is −∞, an average 0: neither says anything about the image
    seesTheImage("row", g.outputHeight(), g.strideHeight(), g.padTop(), g.kernelHeight(), g.dilationHeight(),
        g.height(), input);
    seesTheImage("column", g.outputWidth(), g.strideWidth(), g.padLeft(), g.kernelWidth(), g.dilationWidth(),
        g.width(), input);
    return Shape.of(g.channels(), g.outputHeight(), g.outputWidth());
  }

  /**
   * Fails unless every window along one axis has a tap inside the image: taps y·stride − pad + i·dilation, i &lt; k.
   * Only the windows whose first tap lies before the image (fewer than pad / stride + 1) or past it can miss it.
   */
  private void seesTheImage(String axis, int out, int stride, int pad, int k, int dilation, int in, Shape input) {
    long before = Math.min(out, ((long) pad + stride - 1) / stride);
    for (long y = 0; y < before; y++) {
      long first = y * stride - pad;
      long i = (-first + dilation - 1) / dilation; // the first tap at or past the image's start
      if (i >= k || first + i * dilation >= in) {
        throw paddingAlone(axis, y, first, dilation, in, input);
      }
    }
    long last = (long) (out - 1) * stride - pad;
    if (last >= in) {
      throw paddingAlone(axis, out - 1, last, dilation, in, input);
    }
  }

  private IllegalArgumentException paddingAlone(String axis, long y, long first, int dilation, int in, Shape input) {
    return new IllegalArgumentException(String.format(Locale.ROOT, "its %d×%d window at output %s %d reads padding "
        + "alone (taps %d apart from %s %d, over the %d %ss of the input %s): lower the padding or the dilation",
        window.kernelHeight(), window.kernelWidth(), axis, y, dilation, axis, first, in, axis, input));
  }

  @Override
  public Layer build(LayerContext c) {
    var g = window.geometry(c.inputShape());
    return new Pool2DLayer(c.name(), kind == Kind.MAX, g, outputShape(c.inputShape()), c.engine(), c.dataType());
  }

  @Override
  public void writeFields(FieldWriter out) {
    window.write(out);
  }

  @Override
  public String summary() {
    return (kind == Kind.MAX ? "max" : "avg") + "-pool " + window; // as global-avg-pool
  }
}
