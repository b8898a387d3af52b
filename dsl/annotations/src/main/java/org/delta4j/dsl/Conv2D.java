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

  ActivationFunction activation() default ActivationFunction.IDENTITY;

  /** The weights' initializer; biases start at zero. */
  Initializer.Kind init() default Initializer.Kind.HE_UNIFORM;

  boolean bias() default true;

  /** The layer's name; the method's name by default. */
  String name() default "";
}
