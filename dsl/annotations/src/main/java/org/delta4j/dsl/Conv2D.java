package org.delta4j.dsl;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.delta4j.spec.ActivationFunction;
import org.delta4j.spec.Initializer;
import org.delta4j.spec.Padding;

/**
 * A 2-D convolution of the images [C, H, W] the layer before gives, with {@code filters} kernels, followed by its
 * activation (none by default). Sizes are {height, width}, or one value for both. A kernel larger than its padded
 * input is a compile error on this annotation, with the shapes.
 */
@LayerAnnotation(type = "conv2d")
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.METHOD)
public @interface Conv2D {
  int filters();

  int[] kernel();

  int[] stride() default {1};

  int[] dilation() default {1};

  Padding.Mode padding() default Padding.Mode.VALID;

  /** Rows and columns of zeros on each side, with {@code padding = EXPLICIT}. */
  int[] pad() default {0};

  /** The activation applied to the outputs, as a layer of its own named {@code <name>_<function>}. */
  ActivationFunction activation() default ActivationFunction.IDENTITY;

  /** Leaky ReLU's slope for negative inputs; only with {@code activation = LEAKY_RELU}. */
  double alpha() default 0.01;

  /** The weights' initializer. */
  @Field("weights")
  Initializer.Kind init() default Initializer.Kind.HE_UNIFORM;

  /** The weights' initializer scale: a gain for the Xavier and He kinds. */
  double initScale() default 1;

  /** Whether the layer adds a bias per filter; false before a batch normalisation, which removes it. */
  boolean useBias() default true;

  /** The biases' initializer, one bias per filter. */
  Initializer.Kind bias() default Initializer.Kind.ZEROS;

  /** The biases' initializer scale, as {@link #initScale()}; ZEROS takes none. */
  double biasScale() default 1;

  /** The layer's name; the method's name by default. */
  String name() default "";
}
