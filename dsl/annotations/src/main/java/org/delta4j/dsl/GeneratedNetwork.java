package org.delta4j.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class the annotation processor generated, naming the spec it came from. Kept in the class file, so that a
 * later build recognises its own earlier output on the class path, and coverage tools skip generated code.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface GeneratedNetwork {
  /** The qualified name of the spec interface. */
  String value();
}
