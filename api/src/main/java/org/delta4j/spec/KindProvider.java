package org.delta4j.spec;

import java.util.List;

/**
 * The service through which layer, loss and optimizer kinds are registered, built-in or not: a public class with a
 * public no-argument constructor, named in {@code META-INF/services/org.delta4j.spec.KindProvider} and found with
 * {@link java.util.ServiceLoader} by {@link KindRegistry}. Each list is called once per registry.
 */
public interface KindProvider {
  default List<LayerKind> layerKinds() {
    return List.of();
  }

  default List<LossKind> lossKinds() {
    return List.of();
  }

  default List<OptimizerKind> optimizerKinds() {
    return List.of();
  }
}
