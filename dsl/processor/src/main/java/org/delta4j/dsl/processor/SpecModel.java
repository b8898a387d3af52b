package org.delta4j.dsl.processor;

import java.util.List;
import java.util.Set;
import javax.lang.model.element.TypeElement;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.tensor.DataType;

/**
 * A validated spec: the interface it came from, the class to generate, the engine-neutral description, the data type
 * the generated factories use, for each annotated member the index of the layer its accessor returns and that layer's
 * class, and the simple names the generated code must write qualified, as a type of its package takes them.
 */
record SpecModel(TypeElement spec, String packageName, String className, NetworkSpec network, DataType dataType,
    List<Accessor> accessors, Set<String> qualified) {
  /**
   * One member of the spec: {@code name()} returns layer {@code layerIndex}, a {@code layerClass} of {@code
   * typeParameters} type parameters (returned with wildcards, not raw), whose use raises the {@code warnings} the
   * accessor suppresses ({@code deprecation}, {@code removal}).
   */
  record Accessor(String methodName, int layerIndex, String layerClass, int typeParameters, List<String> warnings) {}
}
