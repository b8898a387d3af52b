package org.delta4j.dsl;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.delta4j.spec.ActivationFunction;
import org.delta4j.spec.Initializer;

/**
 * A dense layer Y = X·W + b with {@code units} outputs, followed by its activation (none by default). Its input size
 * comes from the layer before.
 */
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.METHOD)
public @interface Dense {
  int units();

  ActivationFunction activation() default ActivationFunction.IDENTITY;

  /** The weights' initializer; biases start at zero. */
  Initializer.Kind init() default Initializer.Kind.XAVIER_UNIFORM;

  /** The layer's name; the method's name by default. */
  String name() default "";
}
