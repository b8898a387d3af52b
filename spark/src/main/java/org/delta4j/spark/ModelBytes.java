package org.delta4j.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.delta4j.engine.Engines;
import org.delta4j.io.ModelFiles;
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
    try {
      Path dir = Files.createTempDirectory("delta4j-model");
      Path file = dir.resolve("model.safetensors");
      try {
        ModelFiles.save(network, file);
        return Files.readAllBytes(file);
      } finally {
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the model to a temporary file: " + e.getMessage(), e);
    }
  }

  /** The network of model-file {@code bytes}, on the engine named {@code engine}, in {@code dataType}. */
  public static Network network(byte[] bytes, String engine, DataType dataType) {
    try {
      Path dir = Files.createTempDirectory("delta4j-model");
      Path file = dir.resolve("model.safetensors");
      try {
        Files.write(file, bytes);
        return ModelFiles.load(file, Engines.get(engine), dataType).network();
      } finally {
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read a model of " + bytes.length + " bytes: " + e.getMessage(), e);
    }
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
