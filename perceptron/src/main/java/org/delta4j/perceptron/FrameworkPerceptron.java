package org.delta4j.perceptron;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.delta4j.engine.Engine;
import org.delta4j.nn.Network;
import org.delta4j.spec.Initializer;
import org.delta4j.spec.LayerSpec;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;

/**
 * The perceptron as a Delta4j network: one Dense unit with zero-initialised weights and bias, the perceptron criterion
 * max(0, −y·a) as the loss (its subgradient −y·x where y·a ≤ 0), and SGD with batch 1 and rate η, visiting the points
 * in order. One SGD step on a mistake is w ← w − η·(−y·x) = w + η·y·x and b ← b + η·y: exactly Rosenblatt's update
 * with the bias as the weight of x₀ = 1; on a correct point the subgradient is 0 and nothing moves. So on any engine
 * and in either type it makes the same mistakes as {@link Perceptron}, as long as both compute w·x exactly (small
 * integers, η = 1 or another power of two, within a float's 24 bits for FLOAT32): a w·x rounded on one side of 0 and
 * exact on the other is a different mistake, and the runs part there.
 */
public final class FrameworkPerceptron {
  private FrameworkPerceptron() {}

  /** Trains on {@code engine} in FLOAT64 and returns the mistakes' point indices and whether a pass came out clean. */
  public static Perceptron.Run train(LabeledPoints data, double eta, int maxPasses, Engine engine) {
    return train(data, eta, maxPasses, engine, DataType.FLOAT64);
  }

  /** Trains on {@code engine} in {@code type}; η and the pass cap are checked as {@link Perceptron#train} checks them. */
  public static Perceptron.Run train(LabeledPoints data, double eta, int maxPasses, Engine engine, DataType type) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(type, "type");
    Perceptron.checkRate(eta, maxPasses);
    int d = data.dimension() - 1;
    NetworkSpec spec = NetworkSpec.builder().input(d)
        .layer(new LayerSpec.Dense("unit", 1, Initializer.zeros(), Initializer.zeros()))
        .loss(LossFunction.PERCEPTRON).optimizer(new OptimizerSpec.Sgd(eta)).build();
    Network net = Network.create(spec, engine, type);
    Tensor[] inputs = new Tensor[data.size()];
    Tensor[] targets = new Tensor[data.size()];
    for (int k = 0; k < data.size(); k++) {
      double[] x = data.point(k);
      inputs[k] = engine.tensor(type, Shape.of(1, d), Arrays.copyOfRange(x, 1, x.length));
      targets[k] = engine.tensor(type, Shape.of(1, 1), data.label(k));
    }
    List<Integer> mistakes = new ArrayList<>();
    for (int pass = 1; pass <= maxPasses; pass++) {
      boolean clean = true;
      for (int k = 0; k < data.size(); k++) {
        net.trainStep(inputs[k], targets[k]);
        double a = net.output().getDouble(0); // the activation before this step's update
        if (data.label(k) * a <= 0) {
          mistakes.add(k);
          clean = false;
        }
      }
      if (clean) {
        return new Perceptron.Run(weights(net), mistakes.size(), pass, true, List.copyOf(mistakes));
      }
    }
    return new Perceptron.Run(weights(net), mistakes.size(), maxPasses, false, List.copyOf(mistakes));
  }

  private static double[] weights(Network net) {
    double[] w = net.parameter("unit.weight").value().toDoubleArray();
    double[] out = new double[w.length + 1];
    out[0] = net.parameter("unit.bias").value().getDouble(0);
    System.arraycopy(w, 0, out, 1, w.length);
    return out;
  }
}
