package org.delta4j.dsl;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The mean of each channel of the images the layer before gives: [C, H, W] → [C]. */
@LayerAnnotation(type = "global_avg_pool2d")
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.METHOD)
public @interface GlobalAveragePool2D {
  /** The layer's name; the method's name by default. */
  String name() default "";
}
