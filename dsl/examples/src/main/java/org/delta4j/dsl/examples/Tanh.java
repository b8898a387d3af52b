package org.delta4j.dsl.examples;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.delta4j.dsl.LayerAnnotation;

/**
 * A tanh layer, declared through the door every layer kind enters by: an annotation meta-annotated with the kind's
 * type name. A kind of one's own is declared the same way.
 */
@LayerAnnotation(type = "tanh")
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.METHOD)
public @interface Tanh {
  /** @return the layer's name; the method's name when empty */
  String name() default "";
}
