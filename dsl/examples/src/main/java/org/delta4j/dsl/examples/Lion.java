package org.delta4j.dsl.examples;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.delta4j.dsl.OptimizerAnnotation;

/** The Lion optimizer, of the kind {@code examples/custom-layers} registers. */
@OptimizerAnnotation(type = "lion")
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface Lion {
  /** @return the learning rate α */
  double learningRate();

  /** @return the interpolation β₁ of the update's sign */
  double beta1() default org.delta4j.examples.custom.Lion.DEFAULT_BETA1;

  /** @return the decay β₂ of the momentum */
  double beta2() default org.delta4j.examples.custom.Lion.DEFAULT_BETA2;

  /** @return the decoupled weight decay λ */
  double weightDecay() default 0;
}
