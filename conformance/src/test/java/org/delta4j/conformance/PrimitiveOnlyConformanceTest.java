package org.delta4j.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Engines;
import org.delta4j.engine.Kernels;
import org.junit.jupiter.api.Test;

/**
 * The primitives suffice: an engine that implements only them, over plain arrays, passes the whole conformance suite
 * — every fused operation (activations, losses, optimizer updates…) comes from {@link Kernels}' defaults. It is found
 * through {@link java.util.ServiceLoader} like any engine (see {@link PrimitiveOnlyEngine}).
 */
class PrimitiveOnlyConformanceTest extends EngineConformance {
  @Override
  protected Engine engine() {
    return Engines.get(PrimitiveOnlyEngine.NAME);
  }

  @Test
  void itsKernelsOverrideNoFusedOperation() {
    List<String> fused = new ArrayList<>();
    List<String> primitives = new ArrayList<>();
    for (Method m : Kernels.class.getDeclaredMethods()) {
      if (Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers())) {
        (m.isDefault() ? fused : primitives).add(m.getName());
      }
    }
    List<String> implemented = new ArrayList<>();
    for (Method m : PrimitiveOnlyKernels.class.getDeclaredMethods()) {
      if (Modifier.isPublic(m.getModifiers())) {
        implemented.add(m.getName());
        assertTrue(!fused.contains(m.getName()), "the test engine overrides the fused operation " + m.getName());
      }
    }
    assertEquals(primitives.stream().sorted().toList(), implemented.stream().sorted().toList());
  }
}
