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
@LayerAnnotation(type = "dense")
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.METHOD)
public @interface Dense {
  /** The number of outputs, at least 1. */
  int units();

  /** The activation applied to the outputs, as a layer of its own named {@code <name>_<function>}. */
  ActivationFunction activation() default ActivationFunction.IDENTITY;

  /** Leaky ReLU's slope for negative inputs; only with {@code activation = LEAKY_RELU}. */
  double alpha() default 0.01;

  /** The weights' initializer. */
  @Field("weights")
  Initializer.Kind init() default Initializer.Kind.XAVIER_UNIFORM;

  /** The weights' initializer scale (see {@link Initializer}): a gain for the Xavier and He kinds; ZEROS takes none. */
  double initScale() default 1;

  /** The biases' initializer. */
  Initializer.Kind bias() default Initializer.Kind.ZEROS;

  /** The biases' initializer scale, as {@link #initScale()}; ZEROS takes none. */
  double biasScale() default 1;

  /** Whether the layer adds a bias b; false makes it Y = X·W (before a batch normalisation, say). */
  @Field("use_bias")
  boolean useBias() default true;

  /** The layer's name; the method's name by default. */
  String name() default "";
}
