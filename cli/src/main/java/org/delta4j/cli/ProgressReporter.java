package org.delta4j.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.delta4j.nn.Network;
import org.delta4j.train.EpochResult;
import org.delta4j.train.TrainingListener;

/**
 * Shows training as it happens: a progress bar per epoch with throughput, the running loss and the ETA, then a line
 * per epoch with training and validation loss and accuracy. When the output is not a terminal (a CI log, a pipe into
 * {@code tee}) the bar becomes whole lines, one every {@value #LINE_SECONDS} seconds, with no carriage returns.
 */
final class ProgressReporter implements TrainingListener {
  /** Seconds between progress lines when the output is not a terminal. */
  static final int LINE_SECONDS = 5;

  private final PrintWriter out;
  private final java.io.PrintStream barStream;
  private final boolean terminal;
  private final LongSupplier nanoTime;
  private long lastLine;
  private int lastEpoch;
  private int batches;
  private ProgressBar bar;
  private long epochStart;
  private double lossSum;
  private int epoch;

  /** A bar on a terminal; else progress lines, timed by {@code nanoTime}. */
  ProgressReporter(PrintWriter out, java.io.PrintStream barStream, boolean terminal, LongSupplier nanoTime) {
    this.out = out;
    this.barStream = barStream;
    this.terminal = terminal;
    this.nanoTime = nanoTime;
  }

  /** Progress as a bar when the program runs in a terminal, as lines otherwise. */
  ProgressReporter(PrintWriter out, java.io.PrintStream barStream) {
    this(out, barStream, System.console() != null, System::nanoTime);
  }

  @Override
  public void onTrainingStart(Network network, int firstEpoch, int lastEpoch, int batchesPerEpoch) {
    this.lastEpoch = lastEpoch;
    this.batches = batchesPerEpoch;
  }

  @Override
  public void onEpochStart(int epoch) {
    epochStart = nanoTime.getAsLong();
    lastLine = epochStart;
    lossSum = 0;
    this.epoch = epoch;
    if (!terminal) {
      return;
    }
    bar = new ProgressBarBuilder().setTaskName(String.format(Locale.ROOT, "epoch %d/%d", epoch, lastEpoch))
        .setInitialMax(batches).setStyle(ProgressBarStyle.ASCII).setUnit(" batches", 1).setUpdateIntervalMillis(250).setMaxRenderedLength(120)
        .setConsumer(new ConsoleProgressBarConsumer(barStream)).build();
  }

  @Override
  public void onBatchEnd(int epoch, int batch, double loss, long samplesSeen) {
    lossSum += loss;
    long now = nanoTime.getAsLong();
    double seconds = (now - epochStart) / 1e9;
    if (!terminal) {
      if (now - lastLine >= LINE_SECONDS * 1_000_000_000L && batch < batches) {
        lastLine = now;
        barStream.println(String.format(Locale.ROOT, "epoch %d/%d: %d/%d batches (%d %%), loss %s, %,.0f samples/s, "
            + "about %.0f s to go in this epoch", epoch, lastEpoch, batch, batches, 100L * batch / batches,
            loss(lossSum / batch), samplesSeen / Math.max(seconds, 1e-9), seconds * (batches - batch) / batch));
        barStream.flush();
      }
      return;
    }
    bar.stepTo(batch);
    bar.setExtraMessage(String.format(Locale.ROOT, " loss %s, %,.0f samples/s", loss(lossSum / batch),
        samplesSeen / Math.max(seconds, 1e-9)));
  }

  @Override
  public void onEpochEnd(Network network, EpochResult r) {
    if (bar != null) {
      bar.close();
    }
    out.println(line(r));
    out.flush();
  }

  static String line(EpochResult r) {
    String validation = Double.isNaN(r.validationLoss()) ? ""
        : String.format(Locale.ROOT, ", validation loss %s, accuracy %.4f", loss(r.validationLoss()),
            r.validationAccuracy());
    return String.format(Locale.ROOT, "epoch %d: training loss %s, accuracy %.4f%s (%.1f s, learning rate %.2g)",
        r.epoch(), loss(r.trainingLoss()), r.trainingAccuracy(), validation, r.seconds(), r.learningRate());
  }

  /**
   * A loss as the lines print it: four decimals, or four significant digits with an exponent from 10⁶ on, where a
   * diverging run's 1e250 would otherwise print as 250 digits.
   */
  static String loss(double loss) {
    return String.format(Locale.ROOT, Math.abs(loss) < 1e6 ? "%.4f" : "%.4g", loss);
  }
}
