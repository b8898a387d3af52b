package org.delta4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import scala.Tuple2;

/**
 * Rows of one partition bound for one worker, packed as Spark's shuffle moves them: their positions in the epoch's
 * order (or, for rows copied to every worker, their global indices), their labels, and their features row after row
 * in one primitive array — floats when every value is a float widened to a double (as features scaled in float are),
 * which halves the bytes and gives back the very same doubles, else doubles. One object of up to {@link #MAX_ROWS}
 * rows instead of one serialized object per row. Immutable once made (its arrays are not copied: the maker hands them
 * over).
 */
record PackedRows(int width, long[] positions, int[] labels, float[] floats, double[] doubles)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Rows per object at most, so that no array of a large shard's size is made at once. */
  static final int MAX_ROWS = 4096;

  PackedRows {
    if ((floats == null) == (doubles == null)) {
      throw new IllegalArgumentException("packed rows hold their features as floats or as doubles, not "
          + (floats == null ? "neither" : "both"));
    }
    int values = floats != null ? floats.length : doubles.length;
    if (labels.length != positions.length || values != (long) width * positions.length) {
      throw new IllegalArgumentException(positions.length + " packed rows of " + width + " features need as many "
          + "labels and " + (long) width * positions.length + " values, got " + labels.length + " labels and "
          + values + " values");
    }
  }

  /** Packs {@code samples} (all of {@code width} features) at {@code positions} of the epoch's order. */
  static PackedRows of(int width, List<Sample> samples, long[] positions) {
    int n = samples.size();
    int[] labels = new int[n];
    boolean exactInFloat = true;
    for (int r = 0; r < n && exactInFloat; r++) {
      for (double v : samples.get(r).features()) {
        if ((double) (float) v != v) {
          exactInFloat = false;
          break;
        }
      }
    }
    float[] floats = exactInFloat ? new float[n * width] : null;
    double[] doubles = exactInFloat ? null : new double[n * width];
    for (int r = 0; r < n; r++) {
      Sample s = samples.get(r);
      labels[r] = s.label();
      double[] x = s.features();
      if (exactInFloat) {
        for (int i = 0; i < width; i++) {
          floats[r * width + i] = (float) x[i];
        }
      } else {
        System.arraycopy(x, 0, doubles, r * width, width);
      }
    }
    return new PackedRows(width, positions, labels, floats, doubles);
  }

  int rows() {
    return positions.length;
  }

  /** The features of row {@code r}, as the doubles that were packed. */
  double[] features(int r) {
    double[] x = new double[width];
    copyFeatures(r, x, 0);
    return x;
  }

  /** Writes the features of row {@code r}, as the doubles that were packed, into {@code into} from {@code at}. */
  void copyFeatures(int r, double[] into, int at) {
    int from = r * width;
    if (floats != null) {
      for (int i = 0; i < width; i++) {
        into[at + i] = floats[from + i];
      }
    } else {
      System.arraycopy(doubles, from, into, at, width);
    }
  }

  /**
   * Packs a partition's samples for the workers that own their positions in epoch {@code epoch}'s order ({@code
   * positions[index]}): (worker, rows) pairs, at most {@link #MAX_ROWS} rows each, in no set order.
   */
  static Iterator<Tuple2<Integer, PackedRows>> byWorker(Iterator<Sample> samples, StepPlan plan, int[] positions) {
    List<Tuple2<Integer, PackedRows>> out = new ArrayList<>();
    Chunk[] chunks = new Chunk[plan.workers()];
    for (int w = 0; w < chunks.length; w++) {
      chunks[w] = new Chunk();
    }
    while (samples.hasNext()) {
      Sample s = samples.next();
      long position = positions[(int) s.index()];
      int w = plan.ownerOfPosition(position);
      if (chunks[w].add(position, s)) {
        out.add(new Tuple2<>(w, chunks[w].pack()));
      }
    }
    for (int w = 0; w < chunks.length; w++) {
      if (chunks[w].size() > 0) {
        out.add(new Tuple2<>(w, chunks[w].pack()));
      }
    }
    return out.iterator();
  }

  /**
   * Packs a partition's samples, by their global index, once for each of {@code workers} workers: (worker, rows)
   * pairs, at most {@link #MAX_ROWS} rows each.
   */
  static Iterator<Tuple2<Integer, PackedRows>> toEveryWorker(Iterator<Sample> samples, int workers) {
    List<Tuple2<Integer, PackedRows>> out = new ArrayList<>();
    Chunk chunk = new Chunk();
    while (samples.hasNext()) {
      Sample s = samples.next();
      if (chunk.add(s.index(), s) || !samples.hasNext()) {
        PackedRows rows = chunk.pack();
        for (int w = 0; w < workers; w++) {
          out.add(new Tuple2<>(w, rows));
        }
      }
    }
    return out.iterator();
  }

  /**
   * Every sample by its global index, where it was packed: sample i is row {@code rowIn[i]} of {@code
   * chunks[chunkOf[i]]}. The chunks are kept, not copied.
   */
  record Index(PackedRows[] chunks, int[] chunkOf, int[] rowIn) {}

  /**
   * The {@link Index} of {@code samples} samples from chunks packed by {@link #toEveryWorker} (their positions are the
   * samples' global indices): no row is copied.
   *
   * @throws IllegalStateException when a sample is missing or repeated
   */
  static Index index(Iterator<Tuple2<Integer, PackedRows>> chunks, int samples) {
    List<PackedRows> all = new ArrayList<>();
    chunks.forEachRemaining(t -> all.add(t._2()));
    if (all.isEmpty()) {
      throw new IllegalStateException("a worker received none of the " + samples + " samples");
    }
    int[] chunkOf = new int[samples];
    int[] rowIn = new int[samples];
    Arrays.fill(chunkOf, -1);
    for (int c = 0; c < all.size(); c++) {
      PackedRows chunk = all.get(c);
      for (int r = 0; r < chunk.rows(); r++) {
        long i = chunk.positions()[r];
        if (i < 0 || i >= samples) {
          throw new IllegalStateException("a worker received sample " + i + ", past the " + samples + " samples");
        }
        if (chunkOf[(int) i] != -1) {
          throw new IllegalStateException("a worker received sample " + i + " twice");
        }
        chunkOf[(int) i] = c;
        rowIn[(int) i] = r;
      }
    }
    for (int i = 0; i < samples; i++) {
      if (chunkOf[i] == -1) {
        throw new IllegalStateException("a worker lacks sample " + i + " of " + samples);
      }
    }
    return new Index(all.toArray(PackedRows[]::new), chunkOf, rowIn);
  }

  /** Rows gathered for one {@link PackedRows}, up to {@link #MAX_ROWS}. */
  private static final class Chunk {
    private final List<Sample> samples = new ArrayList<>();
    private final long[] positions = new long[MAX_ROWS];

    /** Adds a row; true when the chunk is full. */
    boolean add(long position, Sample s) {
      positions[samples.size()] = position;
      samples.add(s);
      return samples.size() == MAX_ROWS;
    }

    int size() {
      return samples.size();
    }

    /** The rows packed, and the chunk emptied. */
    PackedRows pack() {
      PackedRows p = of(samples.get(0).features().length, samples, Arrays.copyOf(positions, samples.size()));
      samples.clear();
      return p;
    }
  }
}
