package org.delta4j.dsl;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an interface as the nodes of a {@link Block}: each abstract method is one node, a layer annotated as on a
 * {@link NeuralNetwork} spec (its {@code activation} a node of its own after it), with {@link From} for its inputs.
 * Nest it in the spec that uses it, so that the processor sees its annotations.
 */
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface BlockNodes {}
