package org.delta4j.spec;

import java.util.List;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Kernels;
import org.delta4j.nn.Optimizer;
import org.delta4j.nn.Parameter;
import org.delta4j.nn.ParameterOptimizer;
import org.delta4j.tensor.Tensor;

/**
 * The engine-neutral description of an optimizer, the door every optimizer kind enters by, built-in or not: its update
 * rule, hyperparameters, weight decay and learning-rate schedule. Immutable. Per update t (from 1), for each parameter
 * w with gradient g: the rate α_t is the schedule's for the t − 1 updates made before it ({@code schedule().rate(α, t −
 * 1)}, as PyTorch's scheduler stepped after each update gives it); L2 weight decay λ makes the rule read g + λ·w,
 * the stored gradient unchanged (or, when {@link #decoupledWeightDecay}, w ← (1 − α_t·λ)·w instead); then {@link
 * #update} applies the rule. Kinds register through a {@link KindProvider}; {@link #build} makes the {@link Optimizer}
 * that keeps the per-parameter state.
 */
public interface OptimizerSpec {
  /** The base learning rate an optimizer read from JSON has when none is given. */
  double DEFAULT_LEARNING_RATE = 1e-3;

  /** The kind's stable JSON type name, e.g. {@code adam}. */
  String type();

  /** The base learning rate α. */
  double learningRate();

  /** λ: L2 weight decay, or with {@link #decoupledWeightDecay} the decoupled decay. */
  double weightDecay();

  LearningRateSchedule schedule();

  /** Names of the per-parameter state tensors the rule keeps, each shaped like its parameter. */
  List<String> stateNames();

  /**
   * Why {@code value} cannot be an element of this rule's state tensor {@code state} (one of {@link #stateNames}), as
   * a model file may hold it: a phrase such as "a sum of squares is ≥ 0", or null (the default) when any finite value
   * will do. Loading a model asks it of every state value, so that a rule refuses there what would make its next
   * update NaN (the square root of a negative second moment).
   */
  default String refusedStateValue(String state, double value) {
    return null;
  }

  /** Adam's and AdamW's refusal ({@link #refusedStateValue}): their second moment v is a mean of squares. */
  private static String refusedSecondMoment(String state, double value) {
    return "v".equals(state) && value < 0
        ? "the second moment v, a mean of squared gradients, is ≥ 0 (its square root divides the update)"
        : null;
  }

  /** Whether λ shrinks the weights directly (AdamW) rather than adding λ·w to the gradient. */
  default boolean decoupledWeightDecay() {
    return false;
  }

  /**
   * How many work tensors shaped like each parameter the rule needs beyond its state: they follow the state tensors
   * in {@link #update}'s list, hold nothing between updates and are never saved. None by default.
   */
  default int workTensors() {
    return 0;
  }

  /**
   * One update of one parameter: w and its state tensors (in {@link #stateNames} order, zero before the first update,
   * followed by {@link #workTensors} work tensors) in place, from the gradient g (weight decay already applied), at
   * rate α_t, for update number t ≥ 1.
   */
  void update(Kernels kernels, Tensor w, Tensor g, List<Tensor> state, double rate, long t);

  /** Writes the kind's own fields (not {@code type}, {@code learning_rate}, {@code weight_decay} or {@code schedule}). */
  void writeFields(FieldWriter out);

  /** The optimizer for these parameters on {@code engine}, its state at zero. */
  default Optimizer build(List<Parameter> parameters, Engine engine) {
    return new ParameterOptimizer(this, parameters, engine);
  }

  /** The settings every optimizer has, read from its JSON object with their defaults. */
  record Settings(double learningRate, double weightDecay, LearningRateSchedule schedule) {
    /** Reads {@code learning_rate}, {@code weight_decay} and {@code schedule}. */
    public static Settings read(FieldReader f, double defaultWeightDecay) {
      return new Settings(f.number("learning_rate", DEFAULT_LEARNING_RATE),
          f.number("weight_decay", defaultWeightDecay),
          f.schedule("schedule", new LearningRateSchedule.Constant()));
    }

    /** The checks every optimizer's settings pass; {@code kind} names the optimizer in the message. */
    public static void check(String kind, double learningRate, double weightDecay, LearningRateSchedule schedule) {
      SpecRules.require(SpecRules.learningRate(learningRate), kind, null);
      SpecRules.require(SpecRules.weightDecay(weightDecay), kind, null);
      if (schedule == null) {
        throw new IllegalArgumentException(kind + ": schedule must not be null (use LearningRateSchedule.Constant)");
      }
    }

    /**
     * {@link #check}, for an optimizer whose update scales the weights by 1 − α·λ: SGD, momentum and Nesterov, whose
     * L2 term makes w ← (1 − α·λ)·w − α·δW, and AdamW, which decays first, w ← (1 − α·λ)·w, then takes its step. At
     * α·λ ≥ 1 every update zeroes or flips the weights, whatever the gradient.
     */
    public static void checkDecayStep(String kind, double learningRate, double weightDecay,
        LearningRateSchedule schedule) {
      check(kind, learningRate, weightDecay, schedule);
      if (learningRate * weightDecay >= 1) {
        throw new IllegalArgumentException(kind + ": the learning rate times the weight decay, α·λ = " + learningRate
            + " · " + weightDecay + ", must be below 1: each update scales the weights by 1 − α·λ = "
            + (1 - learningRate * weightDecay) + ", which zeroes or flips them");
      }
    }
  }

  /** Plain gradient descent: W ← W − α·δW. */
  record Sgd(double learningRate, double weightDecay, LearningRateSchedule schedule) implements OptimizerSpec {
    public static final String TYPE = "sgd";

    public Sgd {
      Settings.checkDecayStep(TYPE, learningRate, weightDecay, schedule);
    }

    public Sgd(double learningRate) {
      this(learningRate, 0, new LearningRateSchedule.Constant());
    }

    static Sgd read(FieldReader f) {
      Settings s = Settings.read(f, 0);
      return new Sgd(s.learningRate(), s.weightDecay(), s.schedule());
    }

    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public List<String> stateNames() {
      return List.of();
    }

    @Override
    public void update(Kernels kernels, Tensor w, Tensor g, List<Tensor> state, double rate, long t) {
      kernels.axpy(-rate, g, w); // W ← W − α·δW
    }

    @Override
    public void writeFields(FieldWriter out) {}
  }

  /** Heavy-ball momentum μ, PyTorch form: v ← μ·v + g; w ← w − α·v. */
  record Momentum(double learningRate, double momentum, double weightDecay, LearningRateSchedule schedule)
      implements OptimizerSpec {
    public static final String TYPE = "momentum";
    public static final double DEFAULT_MOMENTUM = 0.9;

    public Momentum {
      Settings.checkDecayStep(TYPE, learningRate, weightDecay, schedule);
      SpecRules.require(SpecRules.decay("momentum", momentum), TYPE, null);
    }

    public Momentum(double learningRate, double momentum) {
      this(learningRate, momentum, 0, new LearningRateSchedule.Constant());
    }

    static Momentum read(FieldReader f) {
      Settings s = Settings.read(f, 0);
      return new Momentum(s.learningRate(), f.number("momentum", DEFAULT_MOMENTUM), s.weightDecay(), s.schedule());
    }

    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public List<String> stateNames() {
      return List.of("velocity");
    }

    @Override
    public void update(Kernels kernels, Tensor w, Tensor g, List<Tensor> state, double rate, long t) {
      kernels.momentumUpdate(w, g, state.get(0), rate, momentum, false);
    }

    @Override
    public void writeFields(FieldWriter out) {
      out.put("momentum", momentum);
    }
  }

  /** Nesterov's accelerated momentum μ: v ← μ·v + g; w ← w − α·(g + μ·v). */
  record Nesterov(double learningRate, double momentum, double weightDecay, LearningRateSchedule schedule)
      implements OptimizerSpec {
    public static final String TYPE = "nesterov";

    public Nesterov {
      Settings.checkDecayStep(TYPE, learningRate, weightDecay, schedule);
      SpecRules.require(SpecRules.decay("momentum", momentum), TYPE, null);
    }

    public Nesterov(double learningRate, double momentum) {
      this(learningRate, momentum, 0, new LearningRateSchedule.Constant());
    }

    static Nesterov read(FieldReader f) {
      Settings s = Settings.read(f, 0);
      return new Nesterov(s.learningRate(), f.number("momentum", Momentum.DEFAULT_MOMENTUM), s.weightDecay(),
          s.schedule());
    }

    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public List<String> stateNames() {
      return List.of("velocity");
    }

    @Override
    public void update(Kernels kernels, Tensor w, Tensor g, List<Tensor> state, double rate, long t) {
      kernels.momentumUpdate(w, g, state.get(0), rate, momentum, true);
    }

    @Override
    public void writeFields(FieldWriter out) {
      out.put("momentum", momentum);
    }
  }

  /** AdaGrad with ε: s ← s + g²; w ← w − α·g / (√s + ε). */
  record AdaGrad(double learningRate, double epsilon, double weightDecay, LearningRateSchedule schedule)
      implements OptimizerSpec {
    public static final String TYPE = "adagrad";
    public static final double DEFAULT_EPSILON = 1e-8;

    public AdaGrad {
      Settings.check(TYPE, learningRate, weightDecay, schedule);
      SpecRules.require(SpecRules.epsilon(epsilon), TYPE, null);
    }

    public AdaGrad(double learningRate) {
      this(learningRate, DEFAULT_EPSILON, 0, new LearningRateSchedule.Constant());
    }

    static AdaGrad read(FieldReader f) {
      Settings s = Settings.read(f, 0);
      return new AdaGrad(s.learningRate(), f.number("epsilon", DEFAULT_EPSILON), s.weightDecay(), s.schedule());
    }

    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public List<String> stateNames() {
      return List.of("sumSquares");
    }

    @Override
    public String refusedStateValue(String state, double value) {
      return "sumSquares".equals(state) && value < 0
          ? "AdaGrad's sum of squared gradients is ≥ 0 (its square root divides the update)"
          : null;
    }

    @Override
    public void update(Kernels kernels, Tensor w, Tensor g, List<Tensor> state, double rate, long t) {
      kernels.adaGradUpdate(w, g, state.get(0), rate, epsilon);
    }

    @Override
    public void writeFields(FieldWriter out) {
      out.put("epsilon", epsilon);
    }
  }

  /** RMSProp with decay ρ and ε: s ← ρ·s + (1 − ρ)·g²; w ← w − α·g / (√s + ε). */
  record RmsProp(double learningRate, double rho, double epsilon, double weightDecay, LearningRateSchedule schedule)
      implements OptimizerSpec {
    public static final String TYPE = "rmsprop";
    public static final double DEFAULT_RHO = 0.9;
    public static final double DEFAULT_EPSILON = 1e-8;

    public RmsProp {
      Settings.check(TYPE, learningRate, weightDecay, schedule);
      SpecRules.require(SpecRules.decay("rho", rho), TYPE, null);
      SpecRules.require(SpecRules.epsilon(epsilon), TYPE, null);
    }

    public RmsProp(double learningRate) {
      this(learningRate, DEFAULT_RHO, DEFAULT_EPSILON, 0, new LearningRateSchedule.Constant());
    }

    static RmsProp read(FieldReader f) {
      Settings s = Settings.read(f, 0);
      return new RmsProp(s.learningRate(), f.number("rho", DEFAULT_RHO), f.number("epsilon", DEFAULT_EPSILON),
          s.weightDecay(), s.schedule());
    }

    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public List<String> stateNames() {
      return List.of("meanSquares");
    }

    @Override
    public String refusedStateValue(String state, double value) {
      return "meanSquares".equals(state) && value < 0
          ? "RMSProp's mean of squared gradients is ≥ 0 (its square root divides the update)"
          : null;
    }

    @Override
    public void update(Kernels kernels, Tensor w, Tensor g, List<Tensor> state, double rate, long t) {
      kernels.rmsPropUpdate(w, g, state.get(0), rate, rho, epsilon);
    }

    @Override
    public void writeFields(FieldWriter out) {
      out.put("rho", rho).put("epsilon", epsilon);
    }
  }

  /**
   * Adam (Kingma and Ba) with β₁, β₂ and ε: m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; w ← w − α·m̂ / (√v̂ + ε)
   * with m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ). L2 weight decay λ makes g read g + λ·w.
   */
  record Adam(
      double learningRate, double beta1, double beta2, double epsilon, double weightDecay,
      LearningRateSchedule schedule) implements OptimizerSpec {
    public static final String TYPE = "adam";
    public static final double DEFAULT_BETA1 = 0.9;
    public static final double DEFAULT_BETA2 = 0.999;
    public static final double DEFAULT_EPSILON = 1e-8;

    public Adam {
      Settings.check(TYPE, learningRate, weightDecay, schedule);
      checkMoments(TYPE, beta1, beta2, epsilon);
    }

    /** β₁ = 0.9, β₂ = 0.999, ε = 1e-8, no weight decay. */
    public Adam(double learningRate) {
      this(learningRate, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPSILON, 0, new LearningRateSchedule.Constant());
    }

    static Adam read(FieldReader f) {
      Settings s = Settings.read(f, 0);
      return new Adam(s.learningRate(), f.number("beta1", DEFAULT_BETA1), f.number("beta2", DEFAULT_BETA2),
          f.number("epsilon", DEFAULT_EPSILON), s.weightDecay(), s.schedule());
    }

    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public List<String> stateNames() {
      return List.of("m", "v");
    }

    @Override
    public String refusedStateValue(String state, double value) {
      return refusedSecondMoment(state, value);
    }

    @Override
    public void update(Kernels kernels, Tensor w, Tensor g, List<Tensor> state, double rate, long t) {
      step(TYPE, kernels, w, g, state, rate, beta1, beta2, epsilon, t);
    }

    @Override
    public void writeFields(FieldWriter out) {
      out.put("beta1", beta1).put("beta2", beta2).put("epsilon", epsilon);
    }

    static void checkMoments(String kind, double beta1, double beta2, double epsilon) {
      SpecRules.require(SpecRules.decay("beta1", beta1), kind, null);
      SpecRules.require(SpecRules.decay("beta2", beta2), kind, null);
      SpecRules.require(SpecRules.epsilon(epsilon), kind, null);
    }

    /**
     * The Adam step with its bias corrections c₁ = 1 − β₁ᵗ, c₂ = 1 − β₂ᵗ for update t ≥ 1; {@code kind} names the
     * optimizer in the message refusing another t.
     */
    static void step(String kind, Kernels kernels, Tensor w, Tensor g, List<Tensor> state, double rate, double beta1,
        double beta2, double epsilon, long t) {
      if (t < 1) { // at t = 0 the corrections are 0, and m̂ = m / 0 makes the weights NaN
        throw new IllegalArgumentException(kind + ": the update number t counts from 1, got " + t
            + " (its bias corrections 1 − βᵗ would be " + (1 - Math.pow(beta1, t)) + " and "
            + (1 - Math.pow(beta2, t)) + ")");
      }
      kernels.adamUpdate(w, g, state.get(0), state.get(1), rate, beta1, beta2, epsilon, 1 - Math.pow(beta1, t),
          1 - Math.pow(beta2, t));
    }
  }

  /**
   * Adam with decoupled weight decay (Loshchilov and Hutter): w ← w − α·λ·w, then the Adam step. λ defaults to 0.01,
   * as in PyTorch; α·λ must be below 1 (PyTorch allows more, which zeroes or flips the weights each update).
   */
  record AdamW(
      double learningRate, double beta1, double beta2, double epsilon, double weightDecay,
      LearningRateSchedule schedule) implements OptimizerSpec {
    public static final String TYPE = "adamw";
    public static final double DEFAULT_WEIGHT_DECAY = 0.01;

    public AdamW {
      Settings.checkDecayStep(TYPE, learningRate, weightDecay, schedule);
      Adam.checkMoments(TYPE, beta1, beta2, epsilon);
    }

    /** β₁ = 0.9, β₂ = 0.999, ε = 1e-8. */
    public AdamW(double learningRate, double weightDecay) {
      this(learningRate, Adam.DEFAULT_BETA1, Adam.DEFAULT_BETA2, Adam.DEFAULT_EPSILON, weightDecay,
          new LearningRateSchedule.Constant());
    }

    static AdamW read(FieldReader f) {
      Settings s = Settings.read(f, DEFAULT_WEIGHT_DECAY);
      return new AdamW(s.learningRate(), f.number("beta1", Adam.DEFAULT_BETA1), f.number("beta2", Adam.DEFAULT_BETA2),
          f.number("epsilon", Adam.DEFAULT_EPSILON), s.weightDecay(), s.schedule());
    }

    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public boolean decoupledWeightDecay() {
      return true;
    }

    @Override
    public List<String> stateNames() {
      return List.of("m", "v");
    }

    @Override
    public String refusedStateValue(String state, double value) {
      return refusedSecondMoment(state, value);
    }

    @Override
    public void update(Kernels kernels, Tensor w, Tensor g, List<Tensor> state, double rate, long t) {
      Adam.step(TYPE, kernels, w, g, state, rate, beta1, beta2, epsilon, t);
    }

    @Override
    public void writeFields(FieldWriter out) {
      out.put("beta1", beta1).put("beta2", beta2).put("epsilon", epsilon);
    }
  }
}
