package org.delta4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.delta4j.datasets.FashionMnist;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The main job on the real data: one epoch of the default network reaches at least 83 % test accuracy. */
class FashionMnistEndToEndTest {
  @Test
  void oneEpochOnTheRealData(@TempDir Path out) {
    boolean installed;
    try {
      FashionMnist.locate(null);
      installed = true;
    } catch (IOException e) {
      installed = false;
    }
    assumeTrue(installed, "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist); .ci/run installs it");
    CommandsTest.Run r = CommandsTest.run("train", "--epochs", "1", "--output", out.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("60,000 training and 10,000 test images"), r.out());
    double accuracy = Double.parseDouble(r.out().replaceAll("(?s).*Test accuracy: ([0-9.]+).*", "$1"));
    assertTrue(accuracy >= 0.83, "test accuracy after one epoch: " + accuracy);
  }
}
