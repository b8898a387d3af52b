package org.delta4j.cli.library;

import java.util.List;
import org.delta4j.autodiff.ExpressionLayerSpec;
import org.delta4j.autodiff.Scope;
import org.delta4j.autodiff.Value;
import org.delta4j.engine.BinaryOp;
import org.delta4j.engine.Kernels;
import org.delta4j.engine.UnaryOp;
import org.delta4j.spec.FieldReader;
import org.delta4j.spec.FieldWriter;
import org.delta4j.spec.Initializer;
import org.delta4j.spec.KindProvider;
import org.delta4j.spec.LayerKind;
import org.delta4j.spec.LearningRateSchedule;
import org.delta4j.spec.OptimizerKind;
import org.delta4j.spec.OptimizerSpec;
import org.delta4j.spec.ParameterSpec;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;

/**
 * A library of kinds as a user writes one, outside the program: a layer written forward-only and an optimizer. It is
 * registered only where a test names it in a services file of its own, so that the program finds it on its class path
 * as it finds a jar in DELTA4J_CLASSPATH, and nowhere else.
 */
public final class LibraryKinds implements KindProvider {
  @Override
  public List<LayerKind> layerKinds() {
    return List.of(new LayerKind(FeatureScale.TYPE, FeatureScale::read,
        new LayerKind.Example(new FeatureScale(null), Shape.of(3))),
        new LayerKind(ForgetfulScale.TYPE, ForgetfulScale::read,
            new LayerKind.Example(new ForgetfulScale(null, 1), Shape.of(3))));
  }

  @Override
  public List<OptimizerKind> optimizerKinds() {
    return List.of(new OptimizerKind(SoftClippedDescent.TYPE, SoftClippedDescent::read,
        new SoftClippedDescent(0.1, 0, new LearningRateSchedule.Constant())));
  }

  /** y = s ⊙ x with a learned scale s per feature, starting at 1; a sample is taken flat. */
  public record FeatureScale(String name) implements ExpressionLayerSpec {
    public static final String TYPE = "feature_scale";

    static FeatureScale read(FieldReader f) {
      return new FeatureScale(f.name());
    }

    @Override
    public Value forward(Value x, Scope s) {
      return x.flatten().multiply(s.parameter("scale"));
    }

    @Override
    public List<ParameterSpec> parameters(Shape input) {
      return List.of(ParameterSpec.of("scale", Shape.of(input.intSize()), Initializer.constant(1)));
    }

    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public FeatureScale withName(String name) {
      return new FeatureScale(name);
    }

    @Override
    public Shape outputShape(Shape input) {
      return Shape.of(input.intSize());
    }

    @Override
    public void writeFields(FieldWriter out) {}
  }

  /**
   * A kind with a mistake its own example does not show: y = k·x for its field {@code initial} k, which its
   * writeFields leaves out, so that a description with k ≠ 1 does not read back as it was written.
   */
  public record ForgetfulScale(String name, double initial) implements ExpressionLayerSpec {
    public static final String TYPE = "forgetful_scale";

    static ForgetfulScale read(FieldReader f) {
      return new ForgetfulScale(f.name(), f.number("initial", 1));
    }

    @Override
    public Value forward(Value x, Scope s) {
      return x.flatten().multiply(initial);
    }

    @Override
    public String type() {
      return TYPE;
    }

    @Override
    public ForgetfulScale withName(String name) {
      return new ForgetfulScale(name, initial);
    }

    @Override
    public Shape outputShape(Shape input) {
      return Shape.of(input.intSize());
    }

    @Override
    public void writeFields(FieldWriter out) {} // the mistake: "initial" is not written
  }

  /**
   * Descent by steps no longer than α in any coordinate: w ← w − α·g / (1 + |g|), a gradient clipped softly; its one
   * work tensor holds 1 + |g|.
   */
  public record SoftClippedDescent(double learningRate, double weightDecay, LearningRateSchedule schedule)
      implements OptimizerSpec {
    public static final String TYPE = "soft_clipped_descent";

    public SoftClippedDescent {
      Settings.check(TYPE, learningRate, weightDecay, schedule);
    }

    @Override
    public int workTensors() {
      return 1;
    }

    @Override
    public void update(Kernels k, Tensor w, Tensor g, List<Tensor> state, double rate, long t) {
      Tensor scale = state.get(0);
      k.unary(UnaryOp.ABS, g, scale); //              1 + |g|
      k.affine(scale, 1, 1, scale);
      k.binary(BinaryOp.DIVIDE, g, scale, scale); //  g / (1 + |g|)
      k.axpy(-rate, scale, w);
    }

    @Override
    public List<String> stateNames() {
      return List.of();
    }

    @Override
    public String type() {
      return TYPE;
    }

    static SoftClippedDescent read(FieldReader f) {
      Settings s = Settings.read(f, 0);
      return new SoftClippedDescent(s.learningRate(), s.weightDecay(), s.schedule());
    }

    @Override
    public void writeFields(FieldWriter out) {}
  }

  /** A provider that cannot list its kinds, as one broken by a missing class would. */
  public static final class Broken implements KindProvider {
    @Override
    public List<LayerKind> layerKinds() {
      throw new IllegalStateException("this library is broken");
    }
  }
}
