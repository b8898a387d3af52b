package org.delta4j.dsl.examples;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.delta4j.dsl.LossAnnotation;

/** The Huber loss, of the kind {@code examples/custom-layers} registers. */
@LossAnnotation(type = "huber")
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface Huber {
  /** @return where the loss turns from quadratic to linear */
  double delta() default org.delta4j.examples.custom.Huber.DEFAULT_DELTA;
}
