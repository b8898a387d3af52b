package org.delta4j.nn;

import org.delta4j.engine.Engine;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;

/**
 * Work tensors of shape [rows, sample...], kept per batch size so that a steady-state step reuses them: a training run
 * sees at most two sizes (full batches and the last one), evaluation a third. Holds four sizes, replacing the oldest.
 * Layers use it for their outputs and gradients; not thread-safe.
 */
public final class BatchTensors {
  private static final int SLOTS = 4;

  private final Engine engine;
  private final DataType dataType;
  private final Shape sample;
  private final int[] rows = new int[SLOTS];
  private final Tensor[] tensors = new Tensor[SLOTS];
  private int next;

  public BatchTensors(Engine engine, DataType dataType, Shape sample) {
    this.engine = engine;
    this.dataType = dataType;
    this.sample = sample;
  }

  /** The tensor [batchRows, sample...], created on first request. */
  public Tensor get(int batchRows) {
    for (int i = 0; i < SLOTS; i++) {
      if (tensors[i] != null && rows[i] == batchRows) {
        return tensors[i];
      }
    }
    Tensor t = engine.zeros(dataType, sample.withBatch(batchRows));
    rows[next] = batchRows;
    tensors[next] = t;
    next = (next + 1) % SLOTS;
    return t;
  }
}
