package org.delta4j.dsl;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.delta4j.spec.OptimizerSpec;

/** The optimizer: Adam with decoupled weight decay (Loshchilov and Hutter). At most one optimizer annotation per spec. */
@OptimizerAnnotation(type = "adamw")
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface AdamW {
  /** The learning rate α, positive. */
  double learningRate();

  /** L2 weight decay λ ≥ 0 (decoupled: w ← (1 − α·λ)·w). */
  double weightDecay() default OptimizerSpec.AdamW.DEFAULT_WEIGHT_DECAY;

  /** The decay β₁ of the first moment, in [0, 1). */
  double beta1() default OptimizerSpec.Adam.DEFAULT_BETA1;

  /** The decay β₂ of the second moment, in [0, 1). */
  double beta2() default OptimizerSpec.Adam.DEFAULT_BETA2;

  /** ε, added to the denominator, positive. */
  double epsilon() default OptimizerSpec.Adam.DEFAULT_EPSILON;
}
