package org.delta4j.nn.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.delta4j.engine.Engine;
import org.delta4j.engine.ref.RefEngine;
import org.delta4j.nn.Mode;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Inverted dropout as PyTorch's {@code F.dropout} defines it: in training each element is kept with probability 1 − p
 * and scaled by 1/(1 − p) (in the tensors' type), else 0, and the backward pass applies the same mask; at rate 0 and
 * at inference the layer is the identity, passing its input and output gradient on untouched.
 */
class DropoutLayerTest {
  private static final Engine ENGINE = new RefEngine();
  private static final int UNITS = 20_000;

  private static Tensor filled(DataType type, double value) {
    double[] v = new double[UNITS];
    Arrays.fill(v, value);
    return ENGINE.tensor(type, Shape.of(1, UNITS), v);
  }

  @ParameterizedTest
  @EnumSource(DataType.class)
  void atRateZeroAndAtInferenceTheLayerIsTheIdentity(DataType type) {
    Tensor x = filled(type, 3);
    Tensor dy = filled(type, -2);
    DropoutLayer none = new DropoutLayer("drop", 0, 5, Shape.of(UNITS), ENGINE, type);
    assertSame(x, none.forward(x, Mode.training(1)));
    assertSame(dy, none.backward(dy, true));
    DropoutLayer most = new DropoutLayer("drop", 0.9, 5, Shape.of(UNITS), ENGINE, type);
    assertSame(x, most.forward(x, Mode.inference()));
    assertSame(dy, most.backward(dy, true));
  }

  /**
   * At rates from 0.25 to just below 1 every output is 0 or x·(1/(1 − p)) rounded to the type, the output gradient
   * is masked alike, and the share kept is 1 − p to within four standard deviations.
   */
  @ParameterizedTest
  @EnumSource(DataType.class)
  void keptElementsAreScaledByOneOverTheKeepProbability(DataType type) {
    for (double rate : new double[] {0.25, 0.9, 0.999, 1 - 1e-6, Math.nextDown(1.0)}) {
      double keep = 1 - rate;
      double scaled = type == DataType.FLOAT32 ? (float) (3 * (double) (float) (1 / keep)) : 3 * (1 / keep);
      DropoutLayer layer = new DropoutLayer("drop", rate, 5, Shape.of(UNITS), ENGINE, type);
      double[] y = layer.forward(filled(type, 3), Mode.training(7)).toDoubleArray();
      double[] dx = layer.backward(filled(type, 3), true).toDoubleArray();
      int kept = 0;
      for (int i = 0; i < UNITS; i++) {
        assertTrue(y[i] == 0 || y[i] == scaled, "rate " + rate + ": element " + i + " is " + y[i]);
        assertEquals(y[i], dx[i], "rate " + rate + ": the gradient's mask at element " + i);
        kept += y[i] == 0 ? 0 : 1;
      }
      double sd = Math.sqrt(UNITS * keep * rate);
      assertEquals(UNITS * keep, kept, 4 * sd + 1, "rate " + rate + ": elements kept");
    }
  }

  @ParameterizedTest
  @EnumSource(DataType.class)
  void aBackwardPassItCannotDifferentiateIsRefusedNamingTheLayer(DataType type) {
    for (double rate : new double[] {0, 0.5}) {
      DropoutLayer layer = new DropoutLayer("drop", rate, 5, Shape.of(UNITS), ENGINE, type);
      for (boolean needInputGradient : new boolean[] {true, false}) {
        assertTrue(assertThrows(IllegalStateException.class, () -> layer.backward(filled(type, 1), needInputGradient))
            .getMessage().startsWith("drop: backward called without a forward pass"));
      }
      layer.forward(filled(type, 3), Mode.training(1));
      DataType other = type == DataType.FLOAT32 ? DataType.FLOAT64 : DataType.FLOAT32;
      for (boolean needInputGradient : new boolean[] {true, false}) {
        Tensor wide = ENGINE.tensor(type, Shape.of(1, UNITS + 1), new double[UNITS + 1]);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> layer.backward(wide, needInputGradient))
            .getMessage().contains("[1, " + (UNITS + 1) + "]"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> layer.backward(filled(other, 1),
            needInputGradient)).getMessage().contains("the output gradient is a " + other));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> layer.backward(new RefEngine().tensor(type,
            Shape.of(1, UNITS), new double[UNITS]), needInputGradient)).getMessage().contains("another instance"));
      }
    }
  }
}
