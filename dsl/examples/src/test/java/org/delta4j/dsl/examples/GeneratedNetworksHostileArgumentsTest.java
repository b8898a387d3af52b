package org.delta4j.dsl.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.delta4j.conformance.HostileCalls;
import org.delta4j.data.ArrayDataset;
import org.delta4j.data.Dataset;
import org.delta4j.engine.ref.RefEngine;
import org.delta4j.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The classes the processor generates refuse a hostile argument by name, as the API they call does: each public
 * constructor and method of {@link #GENERATED} is called with null, an empty array, a negative or huge count in one
 * position and valid arguments in the others, as {@link HostileCalls} judges.
 */
class GeneratedNetworksHostileArgumentsTest {
  static final List<Class<?>> GENERATED = List.of(XorNetwork.class, GatedXorNetwork.class, ResidualXorNetwork.class,
      SineNetwork.class, SwishNetwork.class, FashionMnistMlpNetwork.class);

  @TempDir
  Path directory;

  @Test
  void everyGeneratedCallRefusesAHostileArgumentByName() {
    Supplier<ArrayDataset> xor = () -> ArrayDataset.classification(
        new float[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}}, new int[] {0, 1, 1, 0}, 2);
    HostileCalls calls = new HostileCalls()
        .valid(String.class, () -> RefEngine.NAME)
        .valid(Dataset.class, xor)
        .valid(Trainer.class, () -> Trainer.builder().epochs(1).build())
        .valid(float[][].class, () -> new float[][] {{0, 1}, {1, 0}})
        .valid(Path.class, () -> saved(XorNetwork.create(RefEngine.NAME)))
        .hostile(Path.class, () -> directory.resolve("absent"), () -> directory)
        .receivers(XorNetwork.class, () -> XorNetwork.create(RefEngine.NAME))
        .receivers(GatedXorNetwork.class, () -> GatedXorNetwork.create(RefEngine.NAME))
        .receivers(ResidualXorNetwork.class, () -> ResidualXorNetwork.create(RefEngine.NAME))
        .receivers(SineNetwork.class, () -> SineNetwork.create(RefEngine.NAME))
        .receivers(SwishNetwork.class, () -> SwishNetwork.create(RefEngine.NAME))
        .receivers(FashionMnistMlpNetwork.class, () -> FashionMnistMlpNetwork.create(RefEngine.NAME));
    for (Class<?> generated : GENERATED) { // a huge epoch count is a long run, not a mistake to refuse
      calls.skip(generated, "train", Dataset.class, int.class, int.class);
    }
    calls.sweep(GENERATED.toArray(Class<?>[]::new));
    assertTrue(calls.problems().isEmpty(), calls.problems().size() + " of " + calls.calls()
        + " calls failed badly:\n" + String.join("\n", calls.problems()));
  }

  private Path saved(XorNetwork network) {
    try {
      Path file = Files.createTempDirectory(directory, "model").resolve("model");
      network.save(file);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
