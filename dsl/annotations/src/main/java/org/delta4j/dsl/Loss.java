package org.delta4j.dsl;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.delta4j.spec.LossFunction;

/** The loss the network is trained with; it must fit the last layer (the processor checks). */
@LossAnnotation(typeFrom = "value")
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface Loss {
  LossFunction value();
}
