package org.delta4j.dsl;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.delta4j.spec.Padding;

/**
 * Max pooling (max over each window, per channel) of the images the layer before gives. Sizes are {height,
 * width}, or one value for both; the stride is the kernel by default. A window larger than its input is a compile
 * error on this annotation, with the shapes.
 */
@LayerAnnotation(type = "max_pool2d")
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.METHOD)
public @interface MaxPool2D {
  int[] kernel();

  /** The stride; empty (the default) means the kernel's size. */
  int[] stride() default {};

  /** The spacing of the window's elements, {height, width} or one value for both; 1 (the default) is no gap. */
  int[] dilation() default {1};

  Padding.Mode padding() default Padding.Mode.VALID;

  /** Rows and columns of padding on each side, with {@code padding = EXPLICIT}. */
  int[] pad() default {0};

  /** The layer's name; the method's name by default. */
  String name() default "";
}
