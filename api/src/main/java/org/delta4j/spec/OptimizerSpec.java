package org.delta4j.spec;

import java.util.List;

/**
 * The engine-neutral description of an optimizer: its update rule, hyperparameters, L2 weight decay and learning-rate
 * schedule. Immutable. The update formulas are stated on {@link org.delta4j.engine.Kernels}; L2 weight decay λ adds
 * λ·w to each gradient before the rule (except in {@link AdamW}, where the decay is decoupled).
 */
public sealed interface OptimizerSpec
    permits OptimizerSpec.Sgd,
        OptimizerSpec.Momentum,
        OptimizerSpec.Nesterov,
        OptimizerSpec.AdaGrad,
        OptimizerSpec.RmsProp,
        OptimizerSpec.Adam,
        OptimizerSpec.AdamW {

  /** The base learning rate α. */
  double learningRate();

  /** λ: L2 weight decay, or for AdamW the decoupled decay. */
  double weightDecay();

  LearningRateSchedule schedule();

  /** Names of the per-parameter state tensors the rule keeps, each shaped like its parameter. */
  List<String> stateNames();

  /** Plain gradient descent: W ← W − α·δW. */
  record Sgd(double learningRate, double weightDecay, LearningRateSchedule schedule) implements OptimizerSpec {
    public Sgd {
      common(learningRate, weightDecay, schedule);
    }

    public Sgd(double learningRate) {
      this(learningRate, 0, new LearningRateSchedule.Constant());
    }

    @Override
    public List<String> stateNames() {
      return List.of();
    }
  }

  /** Heavy-ball momentum μ. */
  record Momentum(double learningRate, double momentum, double weightDecay, LearningRateSchedule schedule)
      implements OptimizerSpec {
    public Momentum {
      common(learningRate, weightDecay, schedule);
      SpecRules.require(SpecRules.decay("momentum", momentum), "momentum", null);
    }

    public Momentum(double learningRate, double momentum) {
      this(learningRate, momentum, 0, new LearningRateSchedule.Constant());
    }

    @Override
    public List<String> stateNames() {
      return List.of("velocity");
    }
  }

  /** Nesterov's accelerated momentum μ. */
  record Nesterov(double learningRate, double momentum, double weightDecay, LearningRateSchedule schedule)
      implements OptimizerSpec {
    public Nesterov {
      common(learningRate, weightDecay, schedule);
      SpecRules.require(SpecRules.decay("momentum", momentum), "nesterov", null);
    }

    public Nesterov(double learningRate, double momentum) {
      this(learningRate, momentum, 0, new LearningRateSchedule.Constant());
    }

    @Override
    public List<String> stateNames() {
      return List.of("velocity");
    }
  }

  /** AdaGrad with ε. */
  record AdaGrad(double learningRate, double epsilon, double weightDecay, LearningRateSchedule schedule)
      implements OptimizerSpec {
    public AdaGrad {
      common(learningRate, weightDecay, schedule);
      SpecRules.require(SpecRules.epsilon(epsilon), "adagrad", null);
    }

    public AdaGrad(double learningRate) {
      this(learningRate, 1e-8, 0, new LearningRateSchedule.Constant());
    }

    @Override
    public List<String> stateNames() {
      return List.of("sumSquares");
    }
  }

  /** RMSProp with decay ρ and ε. */
  record RmsProp(double learningRate, double rho, double epsilon, double weightDecay, LearningRateSchedule schedule)
      implements OptimizerSpec {
    public RmsProp {
      common(learningRate, weightDecay, schedule);
      SpecRules.require(SpecRules.decay("rho", rho), "rmsprop", null);
      SpecRules.require(SpecRules.epsilon(epsilon), "rmsprop", null);
    }

    public RmsProp(double learningRate) {
      this(learningRate, 0.9, 1e-8, 0, new LearningRateSchedule.Constant());
    }

    @Override
    public List<String> stateNames() {
      return List.of("meanSquares");
    }
  }

  /** Adam (Kingma and Ba) with β₁, β₂ and ε. */
  record Adam(
      double learningRate, double beta1, double beta2, double epsilon, double weightDecay,
      LearningRateSchedule schedule) implements OptimizerSpec {
    public Adam {
      common(learningRate, weightDecay, schedule);
      adamRules(beta1, beta2, epsilon, "adam");
    }

    /** β₁ = 0.9, β₂ = 0.999, ε = 1e-8. */
    public Adam(double learningRate) {
      this(learningRate, 0.9, 0.999, 1e-8, 0, new LearningRateSchedule.Constant());
    }

    @Override
    public List<String> stateNames() {
      return List.of("m", "v");
    }
  }

  /** Adam with decoupled weight decay (Loshchilov and Hutter): w ← w − α·λ·w, then the Adam step. */
  record AdamW(
      double learningRate, double beta1, double beta2, double epsilon, double weightDecay,
      LearningRateSchedule schedule) implements OptimizerSpec {
    public AdamW {
      common(learningRate, weightDecay, schedule);
      adamRules(beta1, beta2, epsilon, "adamw");
    }

    /** β₁ = 0.9, β₂ = 0.999, ε = 1e-8. */
    public AdamW(double learningRate, double weightDecay) {
      this(learningRate, 0.9, 0.999, 1e-8, weightDecay, new LearningRateSchedule.Constant());
    }

    @Override
    public List<String> stateNames() {
      return List.of("m", "v");
    }
  }

  private static void common(double learningRate, double weightDecay, LearningRateSchedule schedule) {
    SpecRules.require(SpecRules.learningRate(learningRate), "optimizer", null);
    SpecRules.require(SpecRules.weightDecay(weightDecay), "optimizer", null);
    if (schedule == null) {
      throw new IllegalArgumentException("optimizer: schedule must not be null (use LearningRateSchedule.Constant)");
    }
  }

  private static void adamRules(double beta1, double beta2, double epsilon, String kind) {
    SpecRules.require(SpecRules.decay("beta1", beta1), kind, null);
    SpecRules.require(SpecRules.decay("beta2", beta2), kind, null);
    SpecRules.require(SpecRules.epsilon(epsilon), kind, null);
  }
}
