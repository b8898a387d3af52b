package org.delta4j.dsl;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.delta4j.spec.ActivationFunction;

/** An activation layer of its own: the function applied to the previous layer's output. */
@LayerAnnotation(typeFrom = "value")
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.METHOD)
public @interface Activation {
  /** The function. */
  ActivationFunction value();

  /** Leaky ReLU's slope for negative inputs; only with {@code LEAKY_RELU}. */
  double alpha() default 0.01;

  /** The layer's name; the method's name by default. */
  String name() default "";
}
