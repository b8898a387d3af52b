package org.delta4j.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an annotation type as declaring the optimizer of a {@link NeuralNetwork} spec, of a registered optimizer
 * kind: the built-in {@link Adam}, {@link Sgd}, ..., and any a user writes for a kind of their own.
 *
 * <p>The members of the annotation type become the fields of the kind's JSON object (see {@code NetworkSpecJson}):
 * each under its name in snake case ({@code learningRate} → {@code learning_rate}) or the one {@link Field} gives,
 * with the value the user wrote or, left out, the member's declared default, as Java reads an annotation. A default
 * that reads as the kind's own is left out of the JSON; so is an empty array or string, the conventional "not set",
 * which leaves the kind's own default. A default the kind refuses is a compile error on the member. Numbers,
 * booleans, strings, enum constants (in lower case) and arrays of them can be written. When the kind is registered on
 * the annotation processor path, the processor reads the spec at compile time and reports what is wrong on the line.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.ANNOTATION_TYPE)
public @interface OptimizerAnnotation {
  /** The kind's JSON type name, as its {@code KindProvider} registers it. */
  String type() default "";

  /** Instead of a fixed {@link #type()}: the member whose value is the type name (an enum constant in lower case). */
  String typeFrom() default "";
}
