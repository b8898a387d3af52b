package org.delta4j.spark;

import java.io.Serializable;
import org.delta4j.train.Trainer;

/**
 * Where every sample goes in synchronous data-parallel training: epoch e visits the {@code samples} in the order
 * shuffled from (seed, e) — the order {@link org.delta4j.train.Trainer} uses — in global batches of {@code batchSize};
 * each batch is cut into {@code blocks} blocks of ⌈batchSize / blocks⌉ rows (the last batch into fewer), and block k
 * belongs to worker ⌊k · workers / blocks⌋, so each worker holds a contiguous run of blocks. The gradient of a batch is
 * the {@link GradientTree} sum of its blocks' gradients, each weighted by its share of the batch's rows: the result
 * depends on the number of blocks, never on the number of workers. Immutable.
 */
public record StepPlan(long samples, int batchSize, int blocks, int workers, long seed, boolean shuffle)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  public StepPlan {
    if (samples < 1 || samples > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("training needs 1 to " + (Integer.MAX_VALUE - 8) + " samples, got "
          + samples);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
    }
    if (blocks < 1 || blocks > batchSize) {
      throw new IllegalArgumentException("a batch of " + batchSize + " rows is cut into 1 to " + batchSize
          + " blocks, got " + blocks);
    }
    if (workers < 1) {
      throw new IllegalArgumentException("training needs at least 1 worker, got " + workers);
    }
  }

  /** Batches (steps) per epoch. */
  public int steps() {
    return (int) ((samples + batchSize - 1) / batchSize);
  }

  /** Rows of batch {@code step}. */
  public int rows(int step) {
    return (int) Math.min(batchSize, samples - (long) step * batchSize);
  }

  /** Rows of a full block: ⌈batchSize / blocks⌉, summed in long, as a batch size near 2³¹ would wrap an int. */
  public int blockSize() {
    return (int) ((batchSize + (long) blocks - 1) / blocks);
  }

  /** Blocks of batch {@code step} (fewer than {@link #blocks} for a short last batch). */
  public int blocksIn(int step) {
    return (int) ((rows(step) + (long) blockSize() - 1) / blockSize());
  }

  /** The position in the batch of block k's first row. */
  public int blockStart(int block) {
    return block * blockSize();
  }

  /** Rows of block {@code block} of batch {@code step}. */
  public int blockRows(int step, int block) {
    return Math.min(blockSize(), rows(step) - blockStart(block));
  }

  /** The worker that computes block {@code block} of every batch. */
  public int owner(int block) {
    return (int) ((long) block * workers / blocks);
  }

  /** The first block of worker {@code worker}'s run (its run ends at the next worker's first block). */
  public int firstBlock(int worker) {
    int k = 0;
    while (k < blocks && owner(k) < worker) {
      k++;
    }
    return k;
  }

  /** The worker holding the sample at {@code position} of the epoch's order. */
  public int ownerOfPosition(long position) {
    return owner((int) (position % batchSize) / blockSize());
  }

  /** The epoch's order: {@code order[position]} is the global index of the sample visited at that position. */
  public int[] order(int epoch) {
    int[] order = new int[(int) samples];
    Trainer.epochOrder(order, seed, epoch, shuffle);
    return order;
  }

  /** The inverse of {@link #order}: {@code positions[index]} is where sample {@code index} is visited. */
  public int[] positions(int epoch) {
    int[] order = order(epoch);
    int[] positions = new int[order.length];
    for (int p = 0; p < order.length; p++) {
      positions[order[p]] = p;
    }
    return positions;
  }
}
