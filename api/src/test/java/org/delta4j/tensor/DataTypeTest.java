package org.delta4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** A data type is named in any case; any other name is refused naming it and the types. */
class DataTypeTest {
  @Test
  void namesAreReadInAnyCase() {
    assertEquals(DataType.FLOAT32, DataType.named("float32"));
    assertEquals(DataType.FLOAT64, DataType.named("Float64"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataType.named("float16"));
    assertEquals("no data type 'float16': the types are FLOAT32 and FLOAT64", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> DataType.named(null));
  }
}
