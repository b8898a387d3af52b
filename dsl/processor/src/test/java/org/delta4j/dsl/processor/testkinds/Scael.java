package org.delta4j.dsl.processor.testkinds;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.delta4j.dsl.LayerAnnotation;

/** A layer annotation whose type name is misspelt. */
@LayerAnnotation(type = "scael")
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.METHOD)
public @interface Scael {
  /** The factor. */
  double factor();
}
