package org.delta4j.dsl;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The optimizer: Plain gradient descent, W ← W − α·δW. At most one optimizer annotation per spec. */
@OptimizerAnnotation(type = "sgd")
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface Sgd {
  /** The learning rate α, positive. */
  double learningRate();

  /** L2 weight decay λ ≥ 0. */
  double weightDecay() default 0;
}
