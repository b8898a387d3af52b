package org.delta4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.spark.ml.param.ParamMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Spark ML's params take any object (by name, through a ParamMap, or in Java an Integer for a long param); the
 * estimator's and the model's refuse a value of another type when it is set, naming the param, the value and its
 * class, where the first read of it failed with a ClassCastException.
 */
class ParamTypesTest {
  private static void refused(String message, Executable set) {
    assertEquals(message, assertThrows(IllegalArgumentException.class, set).getMessage());
  }

  @Test
  void theEstimatorsParamsTakeOnlyValuesOfTheirTypes() {
    Delta4jClassifier c = new Delta4jClassifier();
    refused("param seed takes a value of type Long, got 42 (java.lang.Integer)", () -> c.set(c.seed(), 42));
    refused("param epochs takes a value of type Integer, got 5 (java.lang.String)", () -> c.set("epochs", "5"));
    refused("param batchSize takes a value of type Integer, got 12.5 (java.lang.Double)",
        () -> c.set(c.batchSize(), 12.5));
    refused("param blocks takes a value of type Integer, got null", () -> c.set(c.blocks(), null));
    refused("param workers takes a value of type Integer, got 2 (java.lang.Long)",
        () -> new ParamMap().put(c.workers(), 2L));
    refused("param labelCol takes a value of type String, got 1 (java.lang.Integer)", () -> c.set("labelCol", 1));
    refused("param dataType takes a value of type String, got FLOAT64 (org.delta4j.tensor.DataType)",
        () -> c.set("dataType", org.delta4j.tensor.DataType.FLOAT64));

    // a spec that is null reads as set, and fit or a Pipeline's check failed on it with a NullPointerException
    refused("param networkSpec takes a value of type String, got null", () -> c.set("networkSpec", null));

    c.set(c.seed(), 42L).set("epochs", 3);
    assertEquals(42L, c.getSeed());
    assertEquals(3, c.getEpochs());
  }

  @Test
  void theModelsParamsTakeOnlyStrings() {
    Delta4jClassificationModel m = new Delta4jClassificationModel("m", new byte[0]);
    refused("param featuresCol takes a value of type String, got 7 (java.lang.Integer)", () -> m.set("featuresCol", 7));
    refused("param engine takes a value of type String, got true (java.lang.Boolean)",
        () -> m.set(m.engine().name(), true));
    m.set("predictionCol", "p");
    assertEquals("p", m.getOrDefault(m.predictionCol()));
  }
}
