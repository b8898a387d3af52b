package org.delta4j.dsl.examples;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.delta4j.dsl.LayerAnnotation;

/** A gated linear unit, written forward-only, of the kind {@code examples/custom-layers} registers. */
@LayerAnnotation(type = "glu")
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.METHOD)
public @interface GatedLinear {
  /** @return the number of output units */
  int units();

  /** @return the layer's name; the method's name when empty */
  String name() default "";
}
