package org.delta4j.nn;

/**
 * How a forward pass runs: in training (dropout active, inputs kept for the backward pass) or in inference. {@code
 * step} numbers the training update the pass belongs to; stochastic layers draw from it, so a pass is reproducible.
 */
public record Mode(boolean training, long step) {
  private static final Mode INFERENCE = new Mode(false, 0);

  public static Mode inference() {
    return INFERENCE;
  }

  public static Mode training(long step) {
    return new Mode(true, step);
  }
}
