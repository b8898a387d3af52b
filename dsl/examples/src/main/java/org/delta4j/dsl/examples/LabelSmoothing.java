package org.delta4j.dsl.examples;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.delta4j.dsl.LossAnnotation;

/** Softmax cross-entropy on label-smoothed targets, written forward-only, of the kind {@code examples/custom-layers} registers. */
@LossAnnotation(type = "label_smoothing")
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface LabelSmoothing {
  /** @return the mass ε spread over the classes */
  double epsilon() default 0.1;
}
