package org.delta4j.dsl;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Batch normalisation of the layer before's output: per channel of images, per feature of vectors; batch statistics
 * in training, running ones (kept with the model) at inference.
 */
@LayerAnnotation(type = "batch_norm")
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.METHOD)
public @interface BatchNorm {
  /** How far each batch moves the running statistics, in (0, 1]. */
  double momentum() default 0.1;

  /** Added to the variance before its square root. */
  double epsilon() default 1e-5;

  /** The layer's name; the method's name by default. */
  String name() default "";
}
