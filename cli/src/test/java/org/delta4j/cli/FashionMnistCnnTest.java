package org.delta4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.delta4j.datasets.FashionMnist;
import org.delta4j.io.NetworkSpecJson;
import org.delta4j.spec.NetworkSpec;
import org.junit.jupiter.api.Test;

/** The cnn preset and examples/specs/fashion-cnn.json describe one network, trained the same way. */
class FashionMnistCnnTest {
  private static final Path SPEC_FILE = Path.of("..", "examples", "specs", "fashion-cnn.json");

  private static NetworkSpec specFile() throws IOException {
    return NetworkSpecJson.read(Files.readString(SPEC_FILE));
  }

  @Test
  void theSpecFileHasThePresetsInputLayersLossAndSeed() throws IOException {
    NetworkSpec file = specFile();
    NetworkSpec preset = FashionMnistCnn.spec(FashionMnist.CLASS_NAMES.size(), file.seed());
    assertEquals(preset.input(), file.input());
    assertEquals(preset.layers(), file.layers());
    assertEquals(preset.loss(), file.loss());
  }

  @Test
  void theSpecFilesOptimizerIsWhatTrainGivesThePresetForTenEpochsOfFashionMnist() throws IOException {
    // train's defaults: 10 % of the 60,000 training images held out for validation, the rest in batches of 128.
    long images = 60_000 - Math.round(60_000 * 0.1);
    long batchesPerEpoch = (images + 127) / 128;
    assertEquals(TrainCommand.optimizerSpec(null, null, null, false, 10 * batchesPerEpoch), specFile().optimizer());
  }
}
