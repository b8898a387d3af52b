package org.delta4j.dsl;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The shape of one input sample, e.g. {@code @Input(784)} or {@code @Input({28, 28})}; every size at least 1. */
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface Input {
  int[] value();
}
