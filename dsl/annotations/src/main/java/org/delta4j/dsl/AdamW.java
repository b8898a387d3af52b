package org.delta4j.dsl;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The optimizer: Adam with decoupled weight decay (Loshchilov and Hutter). At most one optimizer annotation per spec. */
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface AdamW {
  /** The learning rate α, positive. */
  double learningRate();

  /** L2 weight decay λ ≥ 0 (for AdamW, the decoupled decay). */
  double weightDecay() default 0;

  /** The decay β₁ of the first moment, in [0, 1). */
  double beta1() default 0.9;

  /** The decay β₂ of the second moment, in [0, 1). */
  double beta2() default 0.999;

  /** ε, added to the denominator, positive. */
  double epsilon() default 1e-8;
}
