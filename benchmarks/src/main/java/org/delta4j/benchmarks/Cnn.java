package org.delta4j.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.delta4j.io.NetworkSpecJson;
import org.delta4j.spec.NetworkSpec;

/**
 * The benchmarked convolutional network, the same for every engine and peer: the main program's {@code train --preset
 * cnn} network as {@code examples/specs/fashion-cnn.json} describes it (the CLI's tests hold that file to the preset),
 * packaged with the benchmarks and read from there, so there is one definition. On [1, 28, 28]: conv 32 3×3 (same
 * padding, no bias), batch norm, ReLU, max-pool 2, conv 64 3×3 (same padding, no bias), batch norm, ReLU, max-pool 2
 * (28 → 14 → 7), flatten, dense 128, ReLU, dense 10; He-uniform weights, softmax cross-entropy, Adam. The constants
 * below are what the peers, which cannot read the file, build from; {@code CnnTest} checks them against it.
 */
final class Cnn {
  /** The image side. */
  static final int SIDE = 28;
  /** The convolutions' kernel side (stride 1, padded by {@link #PADDING} on every side: the {@code same} padding). */
  static final int KERNEL = 3;
  static final int PADDING = KERNEL / 2;
  /** Each convolution's input channels, filters and input side. */
  static final int[][] CONVOLUTIONS = {{1, 32, 28}, {32, 64, 14}};

  private static final String RESOURCE = "/fashion-cnn.json";

  private Cnn() {}

  static NetworkSpec spec() {
    try (InputStream in = Cnn.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the benchmarks are packaged without " + RESOURCE);
      }
      return NetworkSpecJson.read(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }
}
