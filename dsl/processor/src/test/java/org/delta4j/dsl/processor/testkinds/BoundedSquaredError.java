package org.delta4j.dsl.processor.testkinds;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.delta4j.dsl.LossAnnotation;

/** The loss kind this package registers. */
@LossAnnotation(type = "bounded_squared_error")
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface BoundedSquaredError {
  /** At most this many outputs. */
  int maxOutputs();
}
