package org.delta4j.dsl;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.delta4j.spec.OptimizerSpec;

/** The optimizer: Nesterov momentum. At most one optimizer annotation per spec. */
@OptimizerAnnotation(type = "nesterov")
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface Nesterov {
  /** The learning rate α, positive. */
  double learningRate();

  /** L2 weight decay λ ≥ 0. */
  double weightDecay() default 0;

  /** The momentum μ in [0, 1). */
  double momentum() default OptimizerSpec.Momentum.DEFAULT_MOMENTUM;
}
