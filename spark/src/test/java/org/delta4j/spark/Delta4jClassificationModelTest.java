package org.delta4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The model's construction, without Spark running. */
class Delta4jClassificationModelTest {
  @Test
  void aModelOfNoBytesIsRefusedNamingWhatIsMissing() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Delta4jClassificationModel("m", null));
    assertEquals("the model file is null", e.getMessage());
  }

  /** A model whose bytes are no model file is refused when first read, the message saying how many bytes it had. */
  @Test
  void aModelOfBytesThatAreNoModelFileIsNamedByItsSize() {
    Delta4jClassificationModel m = new Delta4jClassificationModel("m", new byte[] {1, 2, 3});
    RuntimeException e = assertThrows(RuntimeException.class, () -> m.transformSchema(new StructType()
        .add("features", new VectorUDT())));
    assertEquals("cannot read the model of 3 bytes: truncated: 3 bytes, fewer than the 8-byte header length",
        e.getMessage());
  }
}
