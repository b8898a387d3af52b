package org.delta4j.spec;

import java.util.List;
import java.util.Objects;
import org.delta4j.nn.Layer;
import org.delta4j.nn.LayerContext;
import org.delta4j.nn.layers.BatchNormLayer;
import org.delta4j.tensor.Shape;

/**
 * Batch normalisation (Ioffe and Szegedy, 2015) of the first axis of each sample: per channel of an image [C, H, W]
 * after a convolution, per feature of a vector [F] after a dense layer. y = γ·x̂ + β with x̂ = (x − μ) / √(σ² + ε),
 * where in training μ and σ² are the batch's mean and (biased) variance over the samples and positions, and at
 * inference the running averages r ← (1 − momentum)·r + momentum·(batch value), the variance's taken unbiased. γ
 * starts at 1 and β at 0; the running statistics are buffers ({@code running_mean} from 0, {@code running_var} from
 * 1), saved with the model and never trained. A training batch of one value a channel (one sample after a dense
 * layer), which PyTorch refuses, gives y = β and leaves the running variance as it was.
 */
public record BatchNorm(String name, double momentum, double epsilon) implements LayerSpec {
  public static final String TYPE = "batch_norm";

  public BatchNorm {
    SpecRules.require(momentum > 0 && momentum <= 1 ? null : "momentum must be in (0, 1], got " + momentum,
        "batch_norm layer", name);
    SpecRules.require(SpecRules.epsilon(epsilon), "batch_norm layer", name);
  }

  /** Momentum 0.1 and ε = 1e-5, as in PyTorch. */
  public BatchNorm() {
    this(null, 0.1, 1e-5);
  }

  static BatchNorm read(FieldReader f) {
    return new BatchNorm(f.name(), f.number("momentum", 0.1), f.number("epsilon", 1e-5));
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public String kindLabel() {
    return "batchnorm";
  }

  @Override
  public BatchNorm withName(String name) {
    return new BatchNorm(name, momentum, epsilon);
  }

  @Override
  public Shape outputShape(Shape input) {
    return input;
  }

  @Override
  public List<ParameterSpec> parameters(Shape input) {
    Shape channels = channels(input);
    return List.of(ParameterSpec.of("gamma", channels, Initializer.constant(1)),
        ParameterSpec.of("beta", channels, Initializer.zeros()));
  }

  @Override
  public List<ParameterSpec> buffers(Shape input) {
    Shape channels = channels(input);
    return List.of(ParameterSpec.of("running_mean", channels, Initializer.zeros()),
        ParameterSpec.of("running_var", channels, Initializer.constant(1)));
  }

  /** [C]: one value a channel of the input [C, ...]. */
  private Shape channels(Shape input) {
    return Shape.of(Objects.requireNonNull(input, () -> "batch norm '" + name + "': input shape is null").dim(0));
  }

  /** The running variance is ≥ 0: inference divides by √(var + ε), NaN for a negative var past −ε. */
  @Override
  public String refusedBufferValue(String role, double value) {
    return "running_var".equals(role) && !(value >= 0) ? "a variance is ≥ 0" : null;
  }

  @Override
  public Layer build(LayerContext c) {
    return new BatchNormLayer(c.name(), c.inputShape(), momentum, epsilon, c.parameter("gamma"), c.parameter("beta"),
        c.buffer("running_mean"), c.buffer("running_var"), c.engine(), c.dataType());
  }

  @Override
  public void writeFields(FieldWriter out) {
    out.put("momentum", momentum).put("epsilon", epsilon);
  }

  @Override
  public String summary() {
    return "batch-norm";
  }
}
