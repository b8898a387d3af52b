package org.delta4j.autodiff;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.delta4j.engine.Engine;
import org.delta4j.engine.ref.RefEngine;
import org.delta4j.nn.Layer;
import org.delta4j.nn.Mode;
import org.delta4j.nn.Parameter;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** A layer applied on a tape must give its output as the tape's data type on the tape's engine. */
class TapeApplyTest {
  /** A layer of two features that gives whatever {@code output} makes of its input. */
  private record Giving(java.util.function.Function<Tensor, Tensor> output) implements Layer {
    @Override
    public String name() {
      return "odd";
    }

    @Override
    public Shape inputShape() {
      return Shape.of(2);
    }

    @Override
    public Shape outputShape() {
      return Shape.of(2);
    }

    @Override
    public Tensor forward(Tensor input, Mode mode) {
      return output.apply(input);
    }

    @Override
    public Tensor backward(Tensor gradOutput, boolean needInputGradient) {
      return gradOutput;
    }

    @Override
    public List<Parameter> parameters() {
      return List.of();
    }
  }

  private final Engine engine = new RefEngine();

  @Test
  void anOutputOfAnotherDataTypeIsRefusedNamingTheLayerAndBothTypes() {
    Tape tape = new Tape(engine, DataType.FLOAT64);
    Value x = tape.variable(engine.zeros(DataType.FLOAT64, Shape.of(3, 2)));
    Layer layer = new Giving(in -> engine.zeros(DataType.FLOAT32, in.shape()));
    String m = assertThrows(IllegalStateException.class, () -> tape.apply(layer, x, Mode.inference())).getMessage();
    assertTrue(m.startsWith("layer 'odd'") && m.contains("FLOAT32") && m.contains("FLOAT64"), m);
  }

  @Test
  void anOutputOnAnotherEngineIsRefusedNamingTheLayerAndBothEngines() {
    Tape tape = new Tape(engine, DataType.FLOAT64);
    Value x = tape.variable(engine.zeros(DataType.FLOAT64, Shape.of(3, 2)));
    Engine other = new RefEngine();
    Layer layer = new Giving(in -> other.zeros(DataType.FLOAT64, in.shape()));
    String m = assertThrows(IllegalStateException.class, () -> tape.apply(layer, x, Mode.inference())).getMessage();
    assertTrue(m.startsWith("layer 'odd'") && m.contains("engine"), m);
  }
}
