package org.delta4j.engine.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.delta4j.engine.Engine;
import org.delta4j.engine.EngineProvider;
import org.delta4j.engine.Engines;
import org.delta4j.engine.ref.RefEngineProvider;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** What is particular to the ND4J engine: its registration and probe, and its tensors' storage semantics. */
class Nd4jEngineTest {
  private final Engine engine = Engines.get(Nd4jEngine.NAME);

  @Test
  void isTheDefaultWhereItsNativeLibraryLoads() {
    assertEquals(Nd4jEngine.NAME, Engines.of(List.of(new RefEngineProvider(), new Nd4jEngineProvider()), k -> null,
        k -> null).select(null).name());
    assertTrue(engine.description().contains("ND4J"), engine.description());
  }

  /** OpenBLAS picks its kernels by the CPU model, and splits a product's sums by its threads: both decide the bits. */
  @Test
  void itsNumericsNameTheBlasThreadsTheCpuAndTheVectorLoops() {
    String numerics = engine.numerics();
    assertTrue(numerics.startsWith(engine.description() + "; CPU "), numerics);
    assertTrue(numerics.contains("BLAS on "), numerics);
    assertTrue(numerics.endsWith("-bit vector loops"), numerics);
  }

  @Test
  void anEngineThatFailsToLoadIsReportedAndTheReferenceServes() {
    EngineProvider unloadable = new EngineProvider() {
      public String name() {
        return Nd4jEngine.NAME;
      }

      public int priority() {
        return 10;
      }

      public Engine create() {
        throw new UnsatisfiedLinkError("no jnind4jcpu in java.library.path");
      }
    };
    Engines engines = Engines.of(List.of(new RefEngineProvider(), unloadable), k -> null, k -> null);
    assertEquals("ref", engines.select(null).name());
    String report = engines.report(null);
    assertTrue(report.contains("unavailable: UnsatisfiedLinkError: no jnind4jcpu"), report);
  }

  /** Products spread over several BLAS threads take turns; on one BLAS thread each, callers run side by side. */
  @Test
  void gemmsTakeTurnsOnlyWhileOpenBlasRunsEachOnSeveralThreads() {
    assertEquals(Nd4jEngineProvider.blasThreads() > 1, BlasGemm.turns(), "set by the engine from its BLAS threads ("
        + Nd4jEngineProvider.blasThreads() + ")");
  }

  @Test
  void theThreadPropertyMustBeAPositiveWholeNumber() {
    String old = System.getProperty(Nd4jEngineProvider.THREADS_PROPERTY);
    try {
      System.setProperty(Nd4jEngineProvider.THREADS_PROPERTY, "zero");
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, Nd4jEngineProvider::threads);
      assertTrue(e.getMessage().contains("delta4j.nd4j.threads must be a whole number ≥ 1, got 'zero'"));
      System.setProperty(Nd4jEngineProvider.THREADS_PROPERTY, "1");
      assertEquals(1, Nd4jEngineProvider.threads());
    } finally {
      if (old == null) {
        System.clearProperty(Nd4jEngineProvider.THREADS_PROPERTY);
      } else {
        System.setProperty(Nd4jEngineProvider.THREADS_PROPERTY, old);
      }
    }
  }

  @Test
  void reshapeIsAViewOfTheSameStorage() {
    for (DataType type : DataType.values()) {
      Tensor t = engine.tensor(type, Shape.of(2, 3, 2), 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
      Tensor flat = t.reshape(Shape.of(2, 6));
      engine.kernels().scale(flat, 2);
      assertArrayEquals(new double[] {0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22}, t.toDoubleArray(), type.name());
      assertEquals(14, t.getDouble(7));
      assertThrows(IllegalArgumentException.class, () -> t.reshape(Shape.of(5)));
    }
  }

  @Test
  void copiesInAndOutConvertBetweenTypes() {
    Tensor f = engine.zeros(DataType.FLOAT32, Shape.of(3));
    f.copyFrom(new double[] {0.1, 0.2, 0.3});
    assertArrayEquals(new float[] {0.1f, 0.2f, 0.3f}, f.toFloatArray());
    Tensor d = engine.zeros(DataType.FLOAT64, Shape.of(3));
    d.copyFrom(new float[] {0.5f, 1.5f, 2.5f});
    assertArrayEquals(new double[] {0.5, 1.5, 2.5}, d.toDoubleArray());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.copyFrom(new double[2]));
    assertTrue(e.getMessage().contains("source has 2 values but the tensor [3] has 3"), e.getMessage());
  }

  @Test
  void kernelsRejectTensorsOfAnotherEngine() {
    Tensor mine = engine.zeros(DataType.FLOAT32, Shape.of(2, 2));
    Tensor theirs = Engines.get("ref").zeros(DataType.FLOAT32, Shape.of(2, 2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> engine.kernels().gemm(mine, false, theirs, false, 1, 0, engine.zeros(DataType.FLOAT32, Shape.of(2, 2))));
    assertTrue(e.getMessage().contains("different engines"), e.getMessage());
  }
}
