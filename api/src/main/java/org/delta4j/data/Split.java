package org.delta4j.data;

import java.util.Objects;
import org.delta4j.random.SplitMix64;

/**
 * A dataset cut in two at random from a seed: the training part and the validation part.
 *
 * @param training the samples kept for training
 * @param validation the samples held out
 */
public record Split(Dataset training, Dataset validation) {
  /** Holds out {@code fraction} of the samples (rounded), chosen by a shuffle seeded with {@code seed}. */
  public static Split of(Dataset data, double fraction, long seed) {
    Objects.requireNonNull(data, "data is null");
    if (!(fraction > 0 && fraction < 1)) {
      throw new IllegalArgumentException("validation fraction must be in (0, 1), got " + fraction);
    }
    int n = data.size();
    int held = (int) Math.round(n * fraction);
    if (held == 0 || held == n) {
      throw new IllegalArgumentException("a validation fraction of " + fraction + " of " + n
          + " samples leaves one side empty");
    }
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    new SplitMix64(seed).shuffle(order);
    int[] validation = java.util.Arrays.copyOfRange(order, 0, held);
    int[] training = java.util.Arrays.copyOfRange(order, held, n);
    java.util.Arrays.sort(validation);
    java.util.Arrays.sort(training);
    return new Split(data.subset(training), data.subset(validation));
  }
}
