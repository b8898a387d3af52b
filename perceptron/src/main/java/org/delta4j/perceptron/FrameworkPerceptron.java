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
 * max(0, −y·a) as the loss (its subgradient −y·x where y·a ≤ 0), and SGD with batch 1, visiting the points in order.
 * One SGD step on a mistake is w ← w − η·(−y·x) = w + η·y·x and b ← b + η·y: exactly Rosenblatt's update with the
 * bias as the weight of x₀ = 1; on a correct point the subgradient is 0 and nothing moves. As {@link Perceptron#train}
 * does from w₀ = 0, the network learns at rate 1 and its weights are scaled by η at the end: every weight vector of the
 * run at rate η is η times the one at rate 1, and steps η·y·x rounded as they are summed moved an exact w·x = 0 off
 * zero, a mistake taken for a right answer. So on any engine and in either type it makes the same mistakes as
 * {@link Perceptron}, as long as both compute w·x exactly (small integers, within a float's 24 bits for FLOAT32): a w·x
 * rounded on one side of 0 and exact on the other is a different mistake, and the runs part there.
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
        .loss(LossFunction.PERCEPTRON).optimizer(new OptimizerSpec.Sgd(1)).build();
    Network net = Network.create(spec, engine, type);
    Tensor[] inputs = new Tensor[data.size()];
    Tensor[] targets = new Tensor[data.size()];
    for (int k = 0; k < data.size(); k++) {
      double[] x = data.point(k);
      for (int j = 1; j < x.length; j++) {
        if (type == DataType.FLOAT32 && Math.abs(x[j]) > Float.MAX_VALUE) {
          throw new IllegalArgumentException("feature " + (j - 1) + " of point " + k + " is " + x[j] + ", beyond "
              + "FLOAT32's range (±" + Float.MAX_VALUE + "): train in FLOAT64 or scale the features down");
        }
        if (type == DataType.FLOAT32 && x[j] != 0 && (float) x[j] == 0) { // the point would move: 0 is no feature
          throw new IllegalArgumentException("feature " + (j - 1) + " of point " + k + " is " + x[j] + ", which is 0 "
              + "in FLOAT32 (below ±" + Float.MIN_VALUE + "): train in FLOAT64 or scale the features up");
        }
      }
      inputs[k] = engine.tensor(type, Shape.of(1, d), Arrays.copyOfRange(x, 1, x.length));
      targets[k] = engine.tensor(type, Shape.of(1, 1), data.label(k));
    }
    List<Integer> mistakes = new ArrayList<>();
    for (int done = 0; done < maxPasses; done++) { // not pass <= maxPasses, which wraps at Integer.MAX_VALUE
      int pass = done + 1;
      boolean clean = true;
      for (int k = 0; k < data.size(); k++) {
        try {
          net.trainStep(inputs[k], targets[k]);
        } catch (ArithmeticException e) {
          // the run is at rate 1 whatever η (the weights are scaled by η at the end): a lower rate cannot help
          throw new ArithmeticException("the framework's perceptron made NaN or ∞ at point " + k + " of pass " + pass
              + ": w·x overflows " + type + " on these features (R, the largest ‖(1, x)‖, is " + data.radius()
              + "), so scale them down; the network said: " + e.getMessage());
        }
        double a = net.output().getDouble(0); // the activation before this step's update
        if (data.label(k) * a <= 0) {
          mistakes.add(k);
          clean = false;
        }
      }
      if (clean) {
        return run(net, eta, mistakes, pass, true);
      }
    }
    return run(net, eta, mistakes, maxPasses, false);
  }

  /** The run, its weights those at rate 1 scaled by η. */
  private static Perceptron.Run run(Network net, double eta, List<Integer> mistakes, int passes, boolean converged) {
    return new Perceptron.Run(Perceptron.scaled(weights(net), eta), mistakes.size(), passes, converged,
        List.copyOf(mistakes));
  }

  private static double[] weights(Network net) {
    double[] w = net.parameter("unit.weight").value().toDoubleArray();
    double[] out = new double[w.length + 1];
    out[0] = net.parameter("unit.bias").value().getDouble(0);
    System.arraycopy(w, 0, out, 1, w.length);
    return out;
  }
}
