package org.delta4j.dsl.processor;

import java.util.List;
import javax.lang.model.element.TypeElement;
import org.delta4j.spec.NetworkSpec;

/**
 * A validated spec: the interface it came from, the class to generate, the engine-neutral description, and for each
 * annotated member the index of the layer its accessor returns and that layer's class.
 */
record SpecModel(TypeElement spec, String packageName, String className, NetworkSpec network,
    List<Accessor> accessors) {
  /** One member of the spec: {@code name()} returns layer {@code layerIndex}, a {@code layerClass}. */
  record Accessor(String methodName, int layerIndex, String layerClass) {}
}
