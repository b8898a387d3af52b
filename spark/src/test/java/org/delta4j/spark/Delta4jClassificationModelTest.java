package org.delta4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The model's construction, without Spark running. */
class Delta4jClassificationModelTest {
  @Test
  void aModelOfNoBytesIsRefusedNamingWhatIsMissing() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Delta4jClassificationModel("m", null));
    assertEquals("the model file is null", e.getMessage());
  }
}
