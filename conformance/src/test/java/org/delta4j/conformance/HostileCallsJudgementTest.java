package org.delta4j.conformance;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A refusal counts as the code under test's own when it is thrown from Delta4j or from the engine's own package (a
 * third-party engine's checks, such as its tensor's index check), and as a failure from inside when thrown from a
 * library.
 */
class HostileCallsJudgementTest {
  private static Throwable thrownAt(String className) {
    Throwable t = new IndexOutOfBoundsException("getDouble: index -1 outside [0, 4)");
    t.setStackTrace(new StackTraceElement[] {new StackTraceElement(className, "getDouble", "X.java", 1)});
    return t;
  }

  @Test
  void aRefusalFromTheEnginesOwnPackageIsItsOwn() {
    assertNull(HostileCalls.judge(thrownAt("com.example.engine.ArrayTensor"), "com.example.engine"));
    assertNull(HostileCalls.judge(thrownAt("com.example.engine.storage.Arrays"), "com.example.engine"));
    assertNull(HostileCalls.judge(thrownAt("org.delta4j.engine.KernelArguments"), "com.example.engine"));
  }

  @Test
  void aRefusalFromElsewhereIsFromInside() {
    for (String origin : new String[] {"java.util.ArrayList", "com.example.engineering.Other", "ArrayTensor"}) {
      String verdict = HostileCalls.judge(thrownAt(origin), "com.example.engine");
      assertTrue(verdict != null && verdict.startsWith("threw from inside"), origin + ": " + verdict);
    }
  }
}
