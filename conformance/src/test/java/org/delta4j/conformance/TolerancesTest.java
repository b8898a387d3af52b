package org.delta4j.conformance;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.delta4j.tensor.DataType;
import org.junit.jupiter.api.Test;

/** When an engine's number agrees with the reference engine's: near when finite, equal when not. */
class TolerancesTest {
  private final Tolerances tolerances = Tolerances.of(DataType.FLOAT32);

  @Test
  void finiteValuesAgreeWithinTheTolerances() {
    assertTrue(tolerances.agree(1, 1 + 5e-5));
    assertFalse(tolerances.agree(1, 1.01));
  }

  @Test
  void anInfinityAgreesOnlyWithItself() {
    double inf = Double.POSITIVE_INFINITY;
    assertTrue(tolerances.agree(inf, inf));
    assertFalse(tolerances.agree(5, inf), "an engine that overflows where the reference does not");
    assertFalse(tolerances.agree(inf, 5));
    assertFalse(tolerances.agree(-inf, inf));
    assertFalse(tolerances.agree(inf, Double.NaN));
  }

  @Test
  void nanAgreesOnlyWithNaN() {
    assertTrue(tolerances.agree(Double.NaN, Double.NaN));
    assertFalse(tolerances.agree(Double.NaN, 0));
    assertFalse(tolerances.agree(0, Double.NaN));
  }

  @Test
  void agreementReportsAnInfinityWhereTheReferenceIsFinite() {
    AssertionError e = assertThrows(AssertionError.class,
        () -> Agreement.assertAgree("loss", new double[] {1, 2}, new double[] {1, Double.POSITIVE_INFINITY},
            tolerances));
    assertTrue(e.getMessage().contains("element 1"), e.getMessage());
    Agreement.assertAgree("NaN where the reference has NaN", new double[] {Double.NaN}, new double[] {Double.NaN},
        tolerances);
  }
}
