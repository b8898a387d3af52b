package org.delta4j.conformance;

import java.util.List;
import org.delta4j.engine.Engine;
import org.delta4j.nn.Layer;
import org.delta4j.nn.Mode;
import org.delta4j.nn.Parameter;
import org.delta4j.random.SplitMix64;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;

/**
 * Runs one layer on the reference engine and on the engine under test with the same parameters, input and output
 * gradient, and checks that the forward output, the input gradient and every parameter gradient agree.
 */
public final class LayerAgreement {
  /** Builds the layer under comparison on an engine. */
  @FunctionalInterface
  public interface LayerFactory {
    Layer build(Engine engine, DataType type);
  }

  private LayerAgreement() {}

  /** Tensor of the given shape filled with uniform values in [−scale, scale) from {@code seed}. */
  public static Tensor random(Engine engine, DataType type, Shape shape, long seed, double scale) {
    double[] v = new double[shape.intSize()];
    SplitMix64 r = new SplitMix64(seed);
    for (int i = 0; i < v.length; i++) {
      v[i] = (2 * r.nextDouble() - 1) * scale;
    }
    return engine.tensor(type, shape, v);
  }

  /** Fails with the first disagreement, naming {@code label} and the tensor. */
  public static void check(
      String label, Engine reference, Engine engine, DataType type, LayerFactory factory, Shape inputBatch) {
    Tolerances tol = Tolerances.of(type);
    Layer expected = factory.build(reference, type);
    Layer actual = factory.build(engine, type);
    List<Parameter> pe = expected.parameters();
    List<Parameter> pa = actual.parameters();
    for (int i = 0; i < pe.size(); i++) {
      double[] values = random(reference, DataType.FLOAT64, pe.get(i).value().shape(), 100 + i, 0.5).toDoubleArray();
      pe.get(i).value().copyFrom(values);
      pa.get(i).value().copyFrom(values);
      reference.kernels().fill(pe.get(i).gradient(), 0);
      engine.kernels().fill(pa.get(i).gradient(), 0);
    }
    double[] in = random(reference, DataType.FLOAT64, inputBatch, 7, 2).toDoubleArray();
    Tensor xe = reference.tensor(type, inputBatch, in);
    Tensor xa = engine.tensor(type, inputBatch, in);
    Tensor ye = expected.forward(xe, Mode.training(3));
    Tensor ya = actual.forward(xa, Mode.training(3));
    Agreement.assertAgree(label + " forward output", ye, ya, tol);
    double[] dy = random(reference, DataType.FLOAT64, ye.shape(), 11, 1).toDoubleArray();
    Tensor dxe = expected.backward(reference.tensor(type, ye.shape(), dy), true);
    Tensor dxa = actual.backward(engine.tensor(type, ya.shape(), dy), true);
    Agreement.assertAgree(label + " input gradient", dxe, dxa, tol);
    for (int i = 0; i < pe.size(); i++) {
      Agreement.assertAgree(label + " gradient of " + pe.get(i).name(), pe.get(i).gradient(), pa.get(i).gradient(),
          tol);
    }
  }
}
