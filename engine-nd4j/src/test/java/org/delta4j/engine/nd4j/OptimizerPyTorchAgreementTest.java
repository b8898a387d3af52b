package org.delta4j.engine.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.delta4j.conformance.PyTorch;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Engines;
import org.delta4j.engine.ref.RefEngine;
import org.delta4j.io.NetworkSpecJson;
import org.delta4j.nn.Optimizer;
import org.delta4j.nn.Parameter;
import org.delta4j.spec.LearningRateSchedule;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every built-in optimizer, with and without weight decay, under each learning-rate schedule, in FLOAT64 and FLOAT32
 * and on both engines, makes the updates {@code torch.optim} makes with the same settings, update for update: {@value
 * #UPDATES} updates of parameters of ordinary, large (~1e5) and tiny (~1e-7) magnitudes with random gradients of like
 * magnitudes, and random hyperparameters. PyTorch runs the schedules as its schedulers ({@code torch_optimizers.py}),
 * stepped after each update as Delta4j's t counts the updates made; past its T_max PyTorch's cosine rises again, where
 * Delta4j's stays at its minimum, so PyTorch holds it there. Round-off only: after each update each parameter's largest
 * difference from PyTorch is at most {@value #ULPS} times its type's ε times the sum, over the updates so far, of its
 * largest value and its largest change — in FLOAT32 plus as much as PyTorch's own FLOAT32 run departs from its FLOAT64
 * one, which is round-off too where the updates amplify it (L2 decay of tiny weights through a far larger ε) — and each
 * learning rate is PyTorch's to 1e-14 of the base rate. As torch.optim, an update leaves each gradient as it was.
 * Needs {@code /usr/bin/python3} with torch.
 */
class OptimizerPyTorchAgreementTest {
  static final int UPDATES = 40;
  static final double ULPS = 8;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> KINDS = List.of(OptimizerSpec.Sgd.TYPE, OptimizerSpec.Momentum.TYPE,
      OptimizerSpec.Nesterov.TYPE, OptimizerSpec.AdaGrad.TYPE, OptimizerSpec.RmsProp.TYPE, OptimizerSpec.Adam.TYPE,
      OptimizerSpec.AdamW.TYPE);
  private static final List<String> SCHEDULES = List.of("constant", "step", "exponential", "cosine");
  private static final List<Drawn> PARAMETERS = List.of(new Drawn("ordinary", Shape.of(3, 4), 1, 1),
      new Drawn("large", Shape.of(5), 1e5, 1e3), new Drawn("tiny", Shape.of(2, 3), 1e-7, 1e-9));

  /** A parameter drawn at random: its name and shape, the magnitude of its values and that of its gradients. */
  private record Drawn(String name, Shape shape, double magnitude, double gradientMagnitude) {}

  @Test
  void everyOptimizerAndScheduleUpdatesAsTorchOptimDoes(@TempDir Path dir) throws Exception {
    assumeTrue(PyTorch.available(),
        "/usr/bin/python3 cannot import torch (apt-get install python3-torch)");
    List<String> cases = new ArrayList<>();
    long seed = 0;
    for (Engine engine : List.of(new RefEngine(), Engines.get(Nd4jEngine.NAME))) {
      for (DataType type : List.of(DataType.FLOAT64, DataType.FLOAT32)) {
        for (String kind : KINDS) {
          for (boolean decay : new boolean[] {false, true}) {
            for (String schedule : SCHEDULES) {
              Random random = new Random(seed++);
              OptimizerSpec spec = randomOptimizer(kind, decay, randomSchedule(schedule, random), random);
              String name = engine.name() + "/" + type + "/" + kind + (decay ? "+decay" : "") + "/" + schedule;
              cases.add(run(name, spec, engine, type, random));
            }
          }
        }
      }
    }
    List<String> differing = new ArrayList<>();
    for (String v : PyTorch.verdicts(OptimizerPyTorchAgreementTest.class, "torch_optimizers.py", dir, cases)) {
      String[] f = v.split(" ");
      if (!(Double.parseDouble(f[1]) <= ULPS && Double.parseDouble(f[2]) <= 1e-14)) {
        differing.add(v);
      }
    }
    assertTrue(differing.isEmpty(), differing.size() + " of " + cases.size() + " runs differ from PyTorch (case, "
        + "difference in units of round-off, learning-rate difference, where):\n" + String.join("\n", differing));
  }

  /** A schedule of the kind with random settings; the cosine ends within the run, so that the run goes past it. */
  static LearningRateSchedule randomSchedule(String kind, Random random) {
    return switch (kind) {
      case "constant" -> new LearningRateSchedule.Constant();
      case "step" -> new LearningRateSchedule.StepDecay(2 + random.nextInt(9), 0.3 + 0.6 * random.nextDouble());
      case "exponential" -> new LearningRateSchedule.ExponentialDecay(random.nextBoolean() ? 1 : 2 + random.nextInt(5),
          0.5 + 0.45 * random.nextDouble());
      case "cosine" -> new LearningRateSchedule.CosineDecay(5 + random.nextInt(UPDATES - 10),
          random.nextBoolean() ? 0 : 0.3 * random.nextDouble());
      default -> throw new IllegalArgumentException("no schedule " + kind);
    };
  }

  /** A built-in optimizer of the kind with random hyperparameters, with random weight decay or none. */
  static OptimizerSpec randomOptimizer(String kind, boolean decay, LearningRateSchedule schedule, Random random) {
    double rate = Math.pow(10, -3 + 2 * random.nextDouble());
    double adaptiveRate = rate / 10;
    double lambda = decay ? Math.pow(10, -3 + 2 * random.nextDouble()) : 0;
    double momentum = 0.5 + 0.49 * random.nextDouble();
    double epsilon = Math.pow(10, -8 + 2 * random.nextDouble());
    double beta1 = 0.8 + 0.15 * random.nextDouble();
    double beta2 = 0.99 + 0.0099 * random.nextDouble();
    return switch (kind) {
      case OptimizerSpec.Sgd.TYPE -> new OptimizerSpec.Sgd(rate, lambda, schedule);
      case OptimizerSpec.Momentum.TYPE -> new OptimizerSpec.Momentum(rate, momentum, lambda, schedule);
      case OptimizerSpec.Nesterov.TYPE -> new OptimizerSpec.Nesterov(rate, momentum, lambda, schedule);
      case OptimizerSpec.AdaGrad.TYPE -> new OptimizerSpec.AdaGrad(rate, epsilon, lambda, schedule);
      case OptimizerSpec.RmsProp.TYPE -> new OptimizerSpec.RmsProp(adaptiveRate, 0.8 + 0.19 * random.nextDouble(),
          epsilon, lambda, schedule);
      case OptimizerSpec.Adam.TYPE -> new OptimizerSpec.Adam(adaptiveRate, beta1, beta2, epsilon, lambda, schedule);
      case OptimizerSpec.AdamW.TYPE -> new OptimizerSpec.AdamW(adaptiveRate, beta1, beta2, epsilon, lambda, schedule);
      default -> throw new IllegalArgumentException("no optimizer " + kind);
    };
  }

  /**
   * One run as a line of JSON: the optimizer as Delta4j writes it, the data type, the parameters' initial values, and
   * for each update its gradients, its learning rate and the parameters after it.
   */
  private static String run(String name, OptimizerSpec spec, Engine engine, DataType type, Random random)
      throws IOException {
    List<Parameter> parameters = new ArrayList<>();
    Map<String, Object> initial = new LinkedHashMap<>();
    for (Drawn d : PARAMETERS) {
      Parameter parameter = new Parameter(d.name(), engine.tensor(type, d.shape(),
          gaussians(random, d.shape(), d.magnitude())), engine.zeros(type, d.shape()));
      parameters.add(parameter);
      initial.put(parameter.name(), Map.of("shape", d.shape().dims(), "v", parameter.value().toDoubleArray()));
    }
    Optimizer optimizer = spec.build(parameters, engine);
    List<Map<String, double[]>> gradients = new ArrayList<>();
    List<Double> rates = new ArrayList<>();
    List<Map<String, double[]>> after = new ArrayList<>();
    for (int t = 0; t < UPDATES; t++) {
      Map<String, double[]> g = new LinkedHashMap<>();
      for (int i = 0; i < parameters.size(); i++) {
        Parameter p = parameters.get(i);
        p.gradient().copyFrom(gaussians(random, p.value().shape(), PARAMETERS.get(i).gradientMagnitude()));
        g.put(p.name(), p.gradient().toDoubleArray()); // the loss's gradient, which L2 decay leaves as it is
      }
      gradients.add(g);
      rates.add(optimizer.currentLearningRate());
      optimizer.step();
      Map<String, double[]> w = new LinkedHashMap<>();
      for (Parameter p : parameters) {
        w.put(p.name(), p.value().toDoubleArray());
        // as torch.optim leaves p.grad, weight decay included
        assertArrayEquals(g.get(p.name()), p.gradient().toDoubleArray(), 0, name + ": " + p.name() + "'s gradient");
      }
      after.add(w);
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("name", name);
    json.put("optimizer", JSON.readTree(NetworkSpecJson.writeOptimizer(spec)));
    json.put("data_type", type.name());
    json.put("params", initial);
    json.put("grads", gradients);
    json.put("rates", rates);
    json.put("after", after);
    return JSON.writeValueAsString(json);
  }

  private static double[] gaussians(Random random, Shape shape, double scale) {
    double[] v = new double[(int) shape.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = scale * random.nextGaussian();
    }
    return v;
  }
}
