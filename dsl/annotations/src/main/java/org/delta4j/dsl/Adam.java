package org.delta4j.dsl;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.delta4j.spec.OptimizerSpec;

/**
 * The optimizer: Adam (Kingma and Ba); the optimizer when none is given, with learning rate 1e-3. At most one optimizer
 * annotation per spec.
 */
@OptimizerAnnotation(type = "adam")
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface Adam {
  /** The learning rate α, positive. */
  double learningRate() default OptimizerSpec.DEFAULT_LEARNING_RATE;

  /** L2 weight decay λ ≥ 0. */
  double weightDecay() default 0;

  /** The decay β₁ of the first moment, in [0, 1). */
  double beta1() default OptimizerSpec.Adam.DEFAULT_BETA1;

  /** The decay β₂ of the second moment, in [0, 1). */
  double beta2() default OptimizerSpec.Adam.DEFAULT_BETA2;

  /** ε, added to the denominator, positive. */
  double epsilon() default OptimizerSpec.Adam.DEFAULT_EPSILON;
}
