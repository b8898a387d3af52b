package org.delta4j.dsl;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.delta4j.autodiff.BlockSpec;

/**
 * The inputs of a node of a {@link BlockNodes} interface: {@code "input"} (the block's input) or other nodes' names,
 * merged by {@link #merge()} when there are several. Without it a node takes the node declared before it.
 */
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.METHOD)
public @interface From {
  /** The inputs' names. */
  String[] value();

  /** How several inputs are combined: added (a skip connection) or joined along the last axis. */
  BlockSpec.Merge merge() default BlockSpec.Merge.ADD;
}
