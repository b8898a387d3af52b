package org.delta4j.spec;

/**
 * How the learning rate changes with the number of updates t already made (t = 0 for the first update). Immutable.
 */
public sealed interface LearningRateSchedule
    permits LearningRateSchedule.Constant,
        LearningRateSchedule.StepDecay,
        LearningRateSchedule.ExponentialDecay,
        LearningRateSchedule.CosineDecay {

  /**
   * The learning rate for update t, given the optimizer's base rate α.
   *
   * @throws IllegalArgumentException when t is negative (no count of updates made, for which the decaying schedules
   *     would give rates above α) or α is not positive and finite
   */
  double rate(double base, long t);

  /** Refuses arguments of {@link #rate} that are no base rate or update count; {@code schedule} names the schedule. */
  private static void checkRateArguments(String schedule, double base, long t) {
    if (t < 0) {
      throw new IllegalArgumentException(schedule + ": the update count t is the number of updates made, ≥ 0, got "
          + t);
    }
    if (!(base > 0) || !Double.isFinite(base)) {
      throw new IllegalArgumentException(schedule + ": the base rate must be positive and finite, got " + base);
    }
  }

  /** Writes this schedule as {@code {"type": ..., fields...}}, the form {@link #read} takes. */
  default void write(FieldWriter out) {
    if (this instanceof StepDecay d) {
      out.put("type", "step").put("step_size", d.stepSize()).put("gamma", d.gamma());
    } else if (this instanceof ExponentialDecay d) {
      out.put("type", "exponential").put("decay_steps", d.decaySteps()).put("gamma", d.gamma());
    } else if (this instanceof CosineDecay d) {
      out.put("type", "cosine").put("total_steps", d.totalSteps()).put("min_fraction", d.minFraction());
    } else {
      out.put("type", "constant");
    }
  }

  /** Reads a schedule written by {@link #write}; the caller checks for unknown fields. */
  static LearningRateSchedule read(FieldReader f) {
    String type = f.text("type", null).toLowerCase(java.util.Locale.ROOT);
    return switch (type) {
      case "constant" -> new Constant();
      case "step" -> new StepDecay(f.longInteger("step_size", null), f.number("gamma", Double.NaN));
      case "exponential" -> new ExponentialDecay(f.longInteger("decay_steps", null), f.number("gamma", Double.NaN));
      case "cosine" -> new CosineDecay(f.longInteger("total_steps", null), f.number("min_fraction", 0));
      default -> throw new IllegalArgumentException(f.where() + ".type: unknown schedule '" + type
          + "'; one of constant, step, exponential, cosine");
    };
  }

  /** The base rate throughout. */
  record Constant() implements LearningRateSchedule {
    @Override
    public double rate(double base, long t) {
      checkRateArguments("constant schedule", base, t);
      return base;
    }
  }

  /** α·γ^⌊t / stepSize⌋: multiplied by γ every {@code stepSize} updates. */
  record StepDecay(long stepSize, double gamma) implements LearningRateSchedule {
    public StepDecay {
      // one message per value, so that a tool can point at the one at fault
      if (stepSize < 1) {
        throw new IllegalArgumentException("step decay: stepSize must be at least 1, got " + stepSize);
      }
      if (!(gamma > 0 && gamma <= 1)) {
        throw new IllegalArgumentException("step decay: gamma must be in (0, 1], got " + gamma);
      }
    }

    @Override
    public double rate(double base, long t) {
      checkRateArguments("step decay", base, t);
      return base * Math.pow(gamma, t / stepSize);
    }
  }

  /** α·γ^(t / decaySteps): a smooth decay by γ every {@code decaySteps} updates. */
  record ExponentialDecay(long decaySteps, double gamma) implements LearningRateSchedule {
    public ExponentialDecay {
      if (decaySteps < 1) {
        throw new IllegalArgumentException("exponential decay: decaySteps must be at least 1, got " + decaySteps);
      }
      if (!(gamma > 0 && gamma <= 1)) {
        throw new IllegalArgumentException("exponential decay: gamma must be in (0, 1], got " + gamma);
      }
    }

    @Override
    public double rate(double base, long t) {
      checkRateArguments("exponential decay", base, t);
      return base * Math.pow(gamma, (double) t / decaySteps);
    }
  }

  /**
   * Cosine annealing (Loshchilov and Hutter): m + (α − m)·½(1 + cos(π·min(t, T) / T)) with m = α·{@code
   * minFraction}, reaching m after T = {@code totalSteps} updates and staying there.
   */
  record CosineDecay(long totalSteps, double minFraction) implements LearningRateSchedule {
    public CosineDecay {
      if (totalSteps < 1) {
        throw new IllegalArgumentException("cosine decay: totalSteps must be at least 1, got " + totalSteps);
      }
      if (!(minFraction >= 0 && minFraction <= 1)) {
        throw new IllegalArgumentException("cosine decay: minFraction must be in [0, 1], got " + minFraction);
      }
    }

    @Override
    public double rate(double base, long t) {
      checkRateArguments("cosine decay", base, t);
      double min = base * minFraction;
      double progress = Math.min(t, totalSteps) / (double) totalSteps;
      return min + (base - min) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
  }
}
