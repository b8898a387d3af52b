package org.delta4j.dsl.examples;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.delta4j.dsl.LayerAnnotation;

/** A residual MLP block relu(x + f(x)), written forward-only, of the kind {@code examples/custom-layers} registers. */
@LayerAnnotation(type = "residual_mlp")
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.METHOD)
public @interface Residual {
  /** @return the units of its hidden layer */
  int hidden();

  /** @return the layer's name; the method's name when empty */
  String name() default "";
}
