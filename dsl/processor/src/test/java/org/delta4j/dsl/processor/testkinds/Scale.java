package org.delta4j.dsl.processor.testkinds;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.delta4j.dsl.LayerAnnotation;

/** A layer that scales its input, of the kind this package registers. */
@LayerAnnotation(type = "scale")
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.METHOD)
public @interface Scale {
  /** The factor. */
  double factor();

  /** At most this many inputs per sample. */
  int maxInputs() default 1 << 20;

  /** The layer's name. */
  String name() default "";
}
