package org.delta4j.dsl;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Each sample's values as one vector, in row-major order: [C, H, W] → [C·H·W]. */
@LayerAnnotation(type = "flatten")
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.METHOD)
public @interface Flatten {
  /** The layer's name; the method's name by default. */
  String name() default "";
}
