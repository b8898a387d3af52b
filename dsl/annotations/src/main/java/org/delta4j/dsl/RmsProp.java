package org.delta4j.dsl;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.delta4j.spec.OptimizerSpec;

/** The optimizer: RMSProp. At most one optimizer annotation per spec. */
@OptimizerAnnotation(type = "rmsprop")
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface RmsProp {
  /** The learning rate α, positive. */
  double learningRate();

  /** L2 weight decay λ ≥ 0. */
  double weightDecay() default 0;

  /** The decay ρ of the mean of squares, in [0, 1). */
  double rho() default OptimizerSpec.RmsProp.DEFAULT_RHO;

  /** ε, added to the denominator, positive. */
  double epsilon() default OptimizerSpec.RmsProp.DEFAULT_EPSILON;
}
