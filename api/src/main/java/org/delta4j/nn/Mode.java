package org.delta4j.nn;

/**
 * How a forward pass runs: in training (dropout active, inputs kept for the backward pass) or in inference. {@code
 * step} numbers the training update the pass belongs to and {@code firstRow} is the position of the pass's first row
 * in that update's whole batch (0 unless the batch is split into shards computed apart); stochastic layers draw from
 * both, so a pass is reproducible and a row's randomness does not depend on how the batch was split.
 */
public record Mode(boolean training, long step, long firstRow) {
  private static final Mode INFERENCE = new Mode(false, 0, 0);

  public Mode {
    if (step < 0) {
      throw new IllegalArgumentException("a pass belongs to update ≥ 0, counted from 0, got " + step);
    }
    if (firstRow < 0) {
      throw new IllegalArgumentException("the first row of a pass is at position ≥ 0 of its batch, got " + firstRow);
    }
  }

  public static Mode inference() {
    return INFERENCE;
  }

  /** Training for update {@code step} on a whole batch. */
  public static Mode training(long step) {
    return new Mode(true, step, 0);
  }

  /** Training for update {@code step} on the rows of its batch from position {@code firstRow} on. */
  public static Mode training(long step, long firstRow) {
    return new Mode(true, step, firstRow);
  }
}
