package org.delta4j.dsl.examples;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.delta4j.dsl.LayerAnnotation;
import org.delta4j.examples.custom.LearnedSwish;

/** A Swish layer x·σ(βx) with a learned β, of the kind {@code examples/custom-layers} registers. */
@LayerAnnotation(type = "learned_swish")
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.METHOD)
public @interface Swish {
  /** @return β's initial value */
  double initialBeta() default LearnedSwish.DEFAULT_BETA;

  /** @return the layer's name; the method's name when empty */
  String name() default "";
}
