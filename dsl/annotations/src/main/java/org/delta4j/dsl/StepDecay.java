package org.delta4j.dsl;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The learning rate α·γ^⌊t / stepSize⌋ after t updates: multiplied by γ every {@code stepSize} updates. */
@ScheduleAnnotation(type = "step")
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface StepDecay {
  /** Updates between two decays, at least 1. */
  long stepSize();

  /** The factor γ in (0, 1]. */
  double gamma();
}
