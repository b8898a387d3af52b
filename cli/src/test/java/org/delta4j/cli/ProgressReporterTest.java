package org.delta4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.delta4j.train.EpochResult;
import org.junit.jupiter.api.Test;

/** Away from a terminal, progress is whole lines at a steady pace: what a CI log or {@code tee} can keep. */
class ProgressReporterTest {
  @Test
  void withoutATerminalProgressIsALineEveryFewSecondsAndNoCarriageReturns() {
    long[] now = {0};
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    StringWriter epochs = new StringWriter();
    ProgressReporter r = new ProgressReporter(new PrintWriter(epochs), new PrintStream(bytes, true,
        StandardCharsets.UTF_8), false, () -> now[0]);
    r.onTrainingStart(null, 1, 2, 12);
    r.onEpochStart(1);
    for (int batch = 1; batch <= 12; batch++) {
      now[0] += 1_000_000_000L; // a second a batch
      r.onBatchEnd(1, batch, 0.5, batch * 100L);
    }
    r.onEpochEnd(null, new EpochResult(1, 0.5, 0.9, Double.NaN, Double.NaN, 1e-3, 12));
    String progress = bytes.toString(StandardCharsets.UTF_8);
    assertFalse(progress.contains("\r"), progress);
    assertEquals(List.of(
        "epoch 1/2: 5/12 batches (41 %), loss 0.5000, 100 samples/s, about 7 s to go in this epoch",
        "epoch 1/2: 10/12 batches (83 %), loss 0.5000, 100 samples/s, about 2 s to go in this epoch"),
        progress.lines().toList());
    assertEquals(List.of("epoch 1: training loss 0.5000, accuracy 0.9000 (12.0 s, learning rate 0.0010)"),
        epochs.toString().lines().toList());
  }

  /** A diverging run's loss of 1e250 is four significant digits and an exponent, not a number of 250 digits. */
  @Test
  void aHugeLossIsPrintedWithAnExponent() {
    assertEquals("epoch 3: training loss 1.000e+250, accuracy 0.1000, validation loss 2.500e+06, accuracy 0.1000 "
        + "(1.0 s, learning rate 0.10)", ProgressReporter.line(new EpochResult(3, 1e250, 0.1, 2.5e6, 0.1, 0.1, 1)));
    assertEquals("999999.0000", ProgressReporter.loss(999_999));
    assertEquals("Infinity", ProgressReporter.loss(Double.POSITIVE_INFINITY));
  }
}
