package org.delta4j.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The JSON field a member of a {@link LayerAnnotation}, {@link LossAnnotation}, {@link OptimizerAnnotation} or {@link
 * ScheduleAnnotation} type writes, where it is not the member's name in snake case.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Field {
  /** The field's name. */
  String value();
}
