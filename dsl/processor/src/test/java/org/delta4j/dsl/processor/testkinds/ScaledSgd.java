package org.delta4j.dsl.processor.testkinds;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.delta4j.dsl.OptimizerAnnotation;

/** The optimizer kind this package registers. */
@OptimizerAnnotation(type = "scaled_sgd")
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface ScaledSgd {
  /** The learning rate. */
  double learningRate();

  /** The step's factor. */
  double scale() default 1;
}
