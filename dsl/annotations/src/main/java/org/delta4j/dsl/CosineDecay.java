package org.delta4j.dsl;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Cosine annealing of the learning rate from α down to α·minFraction over {@code totalSteps} updates. */
@ScheduleAnnotation(type = "cosine")
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface CosineDecay {
  /** Updates until the rate reaches its minimum, at least 1. */
  long totalSteps();

  /** The minimum as a fraction of α, in [0, 1]. */
  double minFraction() default 0;
}
