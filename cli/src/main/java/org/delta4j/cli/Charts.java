package org.delta4j.cli;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import javax.imageio.ImageIO;
import org.delta4j.io.AtomicFiles;
import org.delta4j.metrics.ConfusionMatrix;
import org.delta4j.train.EpochResult;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The PNG charts of a training run, drawn with XChart (headless): as PNG bytes, or written atomically to a file.
 * Stateless.
 */
public final class Charts {
  private Charts() {}

  /**
   * Loss and accuracy per epoch, training and validation, one above the other, written to {@code png}; false, said on
   * {@code out}, when the chart cannot be drawn (see {@link #write(Supplier, Path, PrintWriter)}).
   */
  static boolean learningCurves(List<EpochResult> history, Path png, PrintWriter out) throws IOException {
    return write(() -> learningCurves(history), png, out);
  }

  /**
   * Loss and accuracy per epoch, training and (when every epoch has it) validation, one above the other, as PNG
   * bytes.
   */
  public static byte[] learningCurves(List<EpochResult> history) {
    XYChart loss = curves("Loss", "loss", history, true);
    XYChart accuracy = curves("Accuracy", "accuracy", history, false);
    BufferedImage top = BitmapEncoder.getBufferedImage(loss);
    BufferedImage bottom = BitmapEncoder.getBufferedImage(accuracy);
    BufferedImage both = new BufferedImage(top.getWidth(), top.getHeight() + bottom.getHeight(),
        BufferedImage.TYPE_INT_RGB);
    Graphics2D g = both.createGraphics();
    g.drawImage(top, 0, 0, null);
    g.drawImage(bottom, 0, top.getHeight(), null);
    g.dispose();
    return png(both);
  }

  private static XYChart curves(String title, String axis, List<EpochResult> history, boolean lossCurves) {
    XYChart chart = new XYChartBuilder().width(800).height(360).title(title).xAxisTitle("epoch").yAxisTitle(axis)
        .build();
    List<Double> epochs = new ArrayList<>();
    List<Double> training = new ArrayList<>();
    List<Double> validation = new ArrayList<>();
    for (EpochResult r : history) {
      epochs.add((double) r.epoch());
      training.add(lossCurves ? r.trainingLoss() : r.trainingAccuracy());
      validation.add(lossCurves ? r.validationLoss() : r.validationAccuracy());
    }
    chart.addSeries("training", epochs, training).setMarker(SeriesMarkers.CIRCLE);
    if (validation.stream().noneMatch(v -> Double.isNaN(v))) {
      chart.addSeries("validation", epochs, validation).setMarker(SeriesMarkers.DIAMOND);
    }
    chart.getStyler().setYAxisDecimalPattern("#0.000");
    chart.getStyler().setXAxisDecimalPattern("#0");
    return chart;
  }

  /**
   * The confusion matrix, counts and row-normalised shares side by side, written to {@code png}; false, said on {@code
   * out}, when the chart cannot be drawn (see {@link #write(Supplier, Path, PrintWriter)}).
   */
  static boolean confusionMatrix(ConfusionMatrix m, List<String> classNames, Path png, PrintWriter out)
      throws IOException {
    return write(() -> confusionMatrix(m, classNames), png, out);
  }

  /**
   * The confusion matrix, counts and row-normalised shares side by side (see {@link ConfusionMatrixChart}), as PNG
   * bytes; one class name a class.
   */
  public static byte[] confusionMatrix(ConfusionMatrix m, List<String> classNames) {
    return png(ConfusionMatrixChart.render(m, classNames));
  }

  private static byte[] png(BufferedImage image) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, "png", bytes)) {
        throw new IllegalStateException("no PNG writer in this JVM");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a stream in memory: not expected
    }
    return bytes.toByteArray();
  }

  /**
   * Draws a chart and writes it to {@code png}, returning true; a chart that cannot be drawn (a picture too large for
   * the heap, a failure in the drawing code) is said on {@code out} and left out, returning false. A run draws its
   * charts before it writes its model, and drawing them again would fail again: a chart must not cost the run its
   * model. A chart that cannot be written is an IOException, as any report's, which stops the run before its model,
   * for {@code train --resume} to finish once the file can be written.
   */
  static boolean write(Supplier<byte[]> draw, Path png, PrintWriter out) throws IOException {
    byte[] bytes;
    try {
      bytes = draw.get();
    } catch (RuntimeException | OutOfMemoryError e) {
      out.println("No " + png.getFileName() + ": the chart could not be drawn (" + (e instanceof OutOfMemoryError
          ? "out of memory" : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()))
          + ")");
      out.flush();
      return false;
    }
    AtomicFiles.write(png, tmp -> Files.write(tmp, bytes));
    return true;
  }
}
