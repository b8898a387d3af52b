package org.delta4j.dsl.processor.testkinds;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.delta4j.dsl.LayerAnnotation;

/** A layer of the kind {@link BrokenKinds} registers, failing as {@code value} says. */
@LayerAnnotation(type = "broken")
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.METHOD)
public @interface Broken {
  /** How the kind fails. */
  String value();
}
