package org.delta4j.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.delta4j.engine.Engines;
import org.delta4j.io.ModelFiles;
import org.delta4j.io.SavedModel;
import org.delta4j.io.TrainingProgress;
import org.delta4j.nn.Network;
import org.delta4j.nn.Parameter;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Tensor;

/**
 * A network with its optimizer state as the bytes of its {@link ModelFiles} file, the one form in which Delta4j models
 * travel between the driver and the workers and into ML persistence. Stateless.
 */
public final class ModelBytes {
  private ModelBytes() {}

  /** The bytes of {@code network}'s model file. */
  public static byte[] of(Network network) {
    return of(network, TrainingProgress.none(), null);
  }

  /**
   * The bytes of {@code network}'s model file with the training progress and the run's settings (an opaque string,
   * null for none) in its metadata: a checkpoint as {@link ModelFiles#save(Network, TrainingProgress, String, Path)}
   * writes it.
   */
  public static byte[] of(Network network, TrainingProgress progress, String run) {
    return throughFile(null, file -> {
      ModelFiles.save(network, progress, run, file);
      return Files.readAllBytes(file);
    });
  }

  /** The network of model-file {@code bytes}, on the engine named {@code engine}, in {@code dataType}. */
  public static Network network(byte[] bytes, String engine, DataType dataType) {
    return saved(bytes, engine, dataType, null).network();
  }

  /** The network and training progress of model-file {@code bytes}, on engine {@code engine}, in {@code dataType}. */
  public static SavedModel saved(byte[] bytes, String engine, DataType dataType) {
    return saved(bytes, engine, dataType, null);
  }

  /**
   * The network and training progress of model-file {@code bytes}, on engine {@code engine}, in {@code dataType};
   * {@code source} (a path; null: the bytes' count) is what an error names as the file.
   */
  public static SavedModel saved(byte[] bytes, String engine, DataType dataType, String source) {
    return throughFile(source(bytes, source), file -> {
      Files.write(file, bytes);
      return ModelFiles.load(file, Engines.get(engine), dataType);
    });
  }

  /** The run's settings saved in model-file {@code bytes}' metadata, null when there are none. */
  public static String run(byte[] bytes) {
    return run(bytes, null);
  }

  /**
   * The run's settings saved in model-file {@code bytes}' metadata, null when there are none; {@code source} as in
   * {@link #saved}.
   */
  public static String run(byte[] bytes, String source) {
    return throughFile(source(bytes, source), file -> {
      Files.write(file, bytes);
      return ModelFiles.runConfiguration(file);
    });
  }

  private static String source(byte[] bytes, String source) {
    return source != null ? source : "of " + bytes.length + " bytes"; // "cannot read the model of 10 bytes: …"
  }

  private interface FileAction<T> {
    T apply(Path file) throws IOException;
  }

  /**
   * Runs {@code action} on a fresh temporary model file (ModelFiles reads and writes files), then deletes it. A
   * failure to read names {@code source}, where the bytes came from, in place of the temporary file; null: writing.
   */
  private static <T> T throughFile(String source, FileAction<T> action) {
    Path file = null;
    try {
      Path dir = Files.createTempDirectory("delta4j-model");
      file = dir.resolve("model.safetensors");
      try {
        return action.apply(file);
      } finally {
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
      }
    } catch (IOException e) {
      if (source == null) {
        throw new UncheckedIOException("cannot write the model to a temporary file: " + e.getMessage(), e);
      }
      String said = String.valueOf(e.getMessage());
      said = file != null && said.contains(file.toString()) ? said.replace(file.toString(), source)
          : source + ": " + said;
      throw new UncheckedIOException("cannot read the model " + said, e);
    }
  }

  /**
   * {@code network}'s weights, buffers and optimizer state as arrays, in that order: how a model that no model file may
   * hold (one with NaN or an infinity, left by a diverged step) travels back to the driver, where {@link #restore}
   * puts it. Exact for either data type.
   */
  static double[][] values(Network network) {
    List<double[]> out = new ArrayList<>();
    network.parameters().forEach(p -> out.add(p.value().toDoubleArray()));
    network.buffers().values().forEach(b -> out.add(b.toDoubleArray()));
    network.optimizer().state().values().forEach(t -> out.add(t.toDoubleArray()));
    return out.toArray(double[][]::new);
  }

  /** Puts {@link #values} taken from a network of {@code network}'s spec into it, and its update count. */
  static void restore(Network network, double[][] values, long iterations) {
    Iterator<double[]> v = Arrays.asList(values).iterator();
    network.parameters().forEach(p -> p.value().copyFrom(v.next()));
    network.buffers().values().forEach(b -> b.copyFrom(v.next()));
    network.optimizer().state().values().forEach(t -> t.copyFrom(v.next()));
    network.optimizer().restore(iterations);
  }

  /**
   * Overwrites {@code target}'s weights, buffers, optimizer state and update count with {@code source}'s (same spec).
   */
  public static void copy(Network source, Network target) {
    if (!source.spec().equals(target.spec())) {
      throw new IllegalArgumentException("cannot copy the state of one network into a network of another spec");
    }
    for (int i = 0; i < source.parameters().size(); i++) {
      Parameter from = source.parameters().get(i);
      target.parameters().get(i).value().copyFrom(from.value().toDoubleArray());
    }
    Iterator<Tensor> buffers = target.buffers().values().iterator();
    for (Tensor b : source.buffers().values()) {
      buffers.next().copyFrom(b.toDoubleArray());
    }
    Iterator<Tensor> to = target.optimizer().state().values().iterator();
    for (Map.Entry<String, Tensor> s : source.optimizer().state().entrySet()) {
      to.next().copyFrom(s.getValue().toDoubleArray());
    }
    target.optimizer().restore(source.optimizer().iterations());
  }
}
