package org.delta4j.dsl;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The learning rate α·γ^(t / decaySteps) after t updates: a smooth decay by γ every {@code decaySteps} updates. */
@ScheduleAnnotation(type = "exponential")
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface ExponentialDecay {
  /** Updates over which the rate decays by γ, at least 1. */
  long decaySteps();

  /** The factor γ in (0, 1]. */
  double gamma();
}
