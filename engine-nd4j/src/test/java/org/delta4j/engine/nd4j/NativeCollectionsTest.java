package org.delta4j.engine.nd4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * ND4J frees a tensor's native memory only when its small Java object is collected: once a budget of native tensors
 * has been made, the engine asks for a collection, so that dropped ones (alternating batch sizes, networks let go)
 * cannot pile up in native memory while the heap sees nothing to collect.
 */
class NativeCollectionsTest {
  private static long collections() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
  }

  @Test
  void spendingTheBudgetAsksForACollection() {
    long before = collections();
    NativeCollections.made(NativeCollections.BUDGET / 2);
    NativeCollections.made(NativeCollections.BUDGET / 2 + 1);
    assertTrue(collections() > before, "no collection after " + NativeCollections.BUDGET + " bytes of tensors");
  }
}
