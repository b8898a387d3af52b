package org.delta4j.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an annotation type as declaring a layer of a registered layer kind on a method of a
 * {@link NeuralNetwork} spec: the built-in {@link Dense}, {@link Dropout} and {@link Activation}, and any a user writes
 * for a kind of their own.
 *
 * <p>The members of the annotation type become the fields of the kind's JSON object (see {@code NetworkSpecJson}):
 * each under its name in snake case ({@code learningRate} → {@code learning_rate}) or the one {@link Field} gives,
 * with the value the user wrote or, left out, the member's declared default, as Java reads an annotation. A default
 * that reads as the kind's own is left out of the JSON; so is an empty array or string, the conventional "not set",
 * which leaves the kind's own default. A default the kind refuses is a compile error on the member. Numbers,
 * booleans, strings, enum constants (in lower case) and arrays of them can be written. By convention, on a layer:
 * {@code name} (a string) names the layer, the method's name when empty; {@code activation} (an {@code
 * ActivationFunction}) adds an activation layer named {@code <name>_<function>} after it; {@code alpha} beside it, or
 * beside the {@code ActivationFunction} member {@link #typeFrom()} names, is leaky ReLU's slope, written only where
 * the user wrote it; a member of type {@code Initializer.Kind} is written as an initializer object whose scale is the
 * member of the same name with {@code Scale} appended. When the kind is registered on the annotation processor path,
 * the processor reads the spec at compile time and reports what is wrong on the line.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.ANNOTATION_TYPE)
public @interface LayerAnnotation {
  /** The kind's JSON type name, as its {@code KindProvider} registers it. */
  String type() default "";

  /** Instead of a fixed {@link #type()}: the member whose value is the type name (an enum constant in lower case). */
  String typeFrom() default "";
}
