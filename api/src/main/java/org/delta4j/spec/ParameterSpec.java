package org.delta4j.spec;

import java.util.Objects;
import org.delta4j.tensor.Shape;

/**
 * A trainable tensor a layer declares: its role in the layer ({@code weight}, {@code bias}, {@code gamma}), its shape,
 * and how it is initialised, with the fan-in and fan-out the Xavier and He initialisers scale by. The network creates
 * the tensor (named {@code layer.role}) and draws its initial values from the spec's seed before the layer is built,
 * in layer order then declaration order, so every engine starts from the same weights.
 */
public record ParameterSpec(String role, Shape shape, Initializer initializer, int fanIn, int fanOut) {
  public ParameterSpec {
    if (role == null || role.isEmpty() || role.contains(".") || role.contains("/")) {
      throw new IllegalArgumentException("parameter role must be a non-empty name without '.' or '/', got '" + role
          + "'");
    }
    if (shape == null || initializer == null) {
      throw new IllegalArgumentException("parameter '" + role + "': shape and initializer must not be null");
    }
    if (fanIn < 1 || fanOut < 1) {
      throw new IllegalArgumentException("parameter '" + role + "': fan-in and fan-out must be ≥ 1, got " + fanIn
          + " and " + fanOut);
    }
  }

  /** A parameter whose initializer does not depend on fans (zeros, constants, plain uniform or normal). */
  public static ParameterSpec of(String role, Shape shape, Initializer initializer) {
    int n = Objects.requireNonNull(shape, () -> "parameter '" + role + "': shape is null").intSize();
    return new ParameterSpec(role, shape, initializer, n, n);
  }
}
