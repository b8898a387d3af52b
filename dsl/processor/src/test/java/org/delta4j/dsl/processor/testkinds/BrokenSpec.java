package org.delta4j.dsl.processor.testkinds;

import org.delta4j.nn.Layer;
import org.delta4j.nn.LayerContext;
import org.delta4j.spec.FieldReader;
import org.delta4j.spec.FieldWriter;
import org.delta4j.spec.LayerSpec;
import org.delta4j.tensor.Shape;

/**
 * A layer kind whose code fails the way its {@code failure} names: reading, a class it cannot link ({@code
 * linkage}), a static initializer that throws ({@code initializer}), a stack overflow ({@code stack}) or an
 * unexpected exception ({@code state}); a class it cannot link computing its shape ({@code shape}); an unexpected
 * exception writing its JSON ({@code write}).
 */
public record BrokenSpec(String name, String failure) implements LayerSpec {
  public static final String TYPE = "broken";

  static BrokenSpec read(FieldReader f) {
    String failure = f.text("value", "");
    switch (failure) {
      case "linkage" -> throw new NoClassDefFoundError("org/example/Missing");
      case "initializer" -> throw new ExceptionInInitializerError("a static initializer failed");
      case "stack" -> deeper(0);
      case "state" -> throw new IllegalStateException("an unexpected state");
      default -> { }
    }
    return new BrokenSpec(f.name(), failure);
  }

  private static int deeper(int depth) {
    return deeper(depth + 1) + 1;
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public BrokenSpec withName(String name) {
    return new BrokenSpec(name, failure);
  }

  @Override
  public Shape outputShape(Shape input) {
    if (failure.equals("shape")) {
      throw new NoClassDefFoundError("org/example/Shapes");
    }
    return input;
  }

  @Override
  public Layer build(LayerContext context) {
    throw new UnsupportedOperationException("never built");
  }

  @Override
  public void writeFields(FieldWriter out) {
    if (failure.equals("write")) {
      throw new UnsupportedOperationException("cannot write");
    }
    out.put("value", failure);
  }
}
