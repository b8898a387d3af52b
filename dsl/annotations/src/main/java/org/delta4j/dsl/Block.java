package org.delta4j.dsl;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A block: a layer that is a graph of layers (the {@code block} kind), whose nodes are the abstract methods of the
 * {@link BlockNodes} interface {@link #nodes()} names, each a layer annotated as on a spec, taking the node before it
 * (the block's input for the first) or the inputs its {@link From} names. Wiring that is not a graph (an unknown input,
 * a cycle, inputs that cannot be added) is a compile error on the line at fault.
 */
@LayerAnnotation(type = "block")
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.METHOD)
public @interface Block {
  /** The interface, annotated {@link BlockNodes} and in the same compilation, whose abstract methods are the nodes. */
  Class<?> nodes();

  /** The node whose output is the block's; the last node by default. */
  String output() default "";

  /** The layer's name; the method's name by default. */
  String name() default "";
}
