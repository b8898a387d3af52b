package org.delta4j.dsl;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Inverted dropout with the given rate in [0, 1), active in training only. */
@LayerAnnotation(type = "dropout")
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.METHOD)
public @interface Dropout {
  /** The fraction of the units dropped in training, in [0, 1). */
  @Field("rate")
  double value();

  /** The layer's name; the method's name by default. */
  String name() default "";
}
