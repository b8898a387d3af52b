package org.delta4j.dsl;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.delta4j.spec.OptimizerSpec;

/** The optimizer: AdaGrad. At most one optimizer annotation per spec. */
@OptimizerAnnotation(type = "adagrad")
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface AdaGrad {
  /** The learning rate α, positive. */
  double learningRate();

  /** L2 weight decay λ ≥ 0. */
  double weightDecay() default 0;

  /** ε, added to the denominator, positive. */
  double epsilon() default OptimizerSpec.AdaGrad.DEFAULT_EPSILON;
}
