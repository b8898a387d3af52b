package org.delta4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32C;
import org.delta4j.data.Dataset;
import org.delta4j.data.Split;
import org.delta4j.datasets.CsvReader;
import org.delta4j.datasets.FashionMnist;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/** Where the data comes from: Fashion-MNIST (the default) or a CSV file. Shared by every command that reads data. */
final class DataOptions {
  @Mixin
  FashionMnistOptions fashionMnist;

  @Option(names = "--csv", paramLabel = "FILE", converter = Delta4jCommand.NamedPath.class,
      description = "Use a CSV file instead: numeric features and a class label per line.")
  Path csv;

  @Option(names = "--label-column", paramLabel = "N", defaultValue = "-1",
      description = "The CSV column holding the label, from 0; -1 is the last (default; evaluate and predict take "
          + "the model's training run's).")
  int labelColumn;

  @Option(names = "--header", description = "The CSV file's first line is a header (evaluate and predict: as in the "
      + "model's training run unless given).")
  boolean header;

  /** The part of a CSV file's samples held out for testing. */
  static final double TEST_FRACTION = 0.2;

  /** The data, split as the command needs it, and the Fashion-MNIST directory it came from (null for a CSV file). */
  record Loaded(String description, Dataset training, Dataset validation, Dataset test, Path fashionMnistDirectory) {
    /**
     * The data, in brief: the sizes of the training, validation and test sets and a CRC-32C of their features and
     * targets, sample after sample in order (as little-endian floats). A resumed run compares it with its own: data
     * changed since the run started would train the rest of it, or test it, on other samples.
     */
    String fingerprint() {
      return fingerprint(true);
    }

    /** The fingerprint as runs saved it before it took in the test set, so that their checkpoints still resume. */
    String fingerprintWithoutTest() {
      return fingerprint(false);
    }

    private String fingerprint(boolean withTest) {
      CRC32C crc = new CRC32C();
      update(crc, training);
      if (validation != null) {
        update(crc, validation);
      }
      if (withTest) {
        update(crc, test);
      }
      int validating = validation == null ? 0 : validation.size();
      return withTest
          ? String.format(Locale.ROOT, "%d training, %d validation and %d test samples, CRC-32C %08x",
              training.size(), validating, test.size(), crc.getValue())
          : String.format(Locale.ROOT, "%d training and %d validation samples, CRC-32C %08x", training.size(),
              validating, crc.getValue());
    }

    private static void update(CRC32C crc, Dataset d) {
      int n = d.size();
      int f = d.featureShape().intSize();
      int t = d.targetShape().intSize();
      int rows = Math.max(1, Math.min(1024, (1 << 20) / (f + t))); // about a megabyte of values at a time
      int[] order = new int[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      float[] x = new float[rows * f];
      float[] y = new float[rows * t];
      ByteBuffer bytes = ByteBuffer.allocate(rows * (f + t) * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      for (int from = 0; from < n; from += rows) {
        int count = Math.min(rows, n - from);
        d.fill(order, from, count, x, y);
        FloatBuffer values = bytes.clear().asFloatBuffer();
        values.put(x, 0, count * f).put(y, 0, count * t);
        crc.update(bytes.array(), 0, count * (f + t) * Float.BYTES);
      }
    }
  }

  /** Class names for a line of text: all of a dozen or fewer, else the first ten and how many there are. */
  static String brief(List<String> names) {
    return names.size() <= 12 ? names.toString()
        : "[" + String.join(", ", names.subList(0, 10)) + ", … " + (names.size() - 10) + " more]";
  }

  /**
   * Refuses --label-column and --header without --csv: they say how to read a CSV file, and the command would read
   * Fashion-MNIST without a word. {@code given} is the command's parse result, which says what the user gave.
   */
  void refuseCsvOptionsWithoutCsv(ParseResult given) {
    if (csv != null) {
      return;
    }
    for (String option : List.of("--label-column", "--header")) {
      if (given.hasMatchedOption(option)) {
        throw new IllegalArgumentException((option.equals("--header") ? option : option + " " + labelColumn)
            + " applies only to --csv: without it the data is Fashion-MNIST");
      }
    }
  }

  /** Refuses --csv beside --data or --download, which name another source, and would go unread without a word. */
  private void checkOneSource() {
    if (csv != null && (fashionMnist.directory != null || fashionMnist.download)) {
      throw new IllegalArgumentException("--csv " + csv + " and " + (fashionMnist.directory != null ? "--data "
          + fashionMnist.directory : "--download") + " name two sources of data: give one");
    }
  }

  /**
   * Every sample of the --csv file, unsplit, to score against a model's classes: a file of one of them, or of one
   * sample of each, is test data, not a column that cannot be a label as it would be for training.
   */
  Dataset loadAll() throws IOException {
    checkOneSource();
    return CsvReader.labelledSamples(csv, labelColumn, header);
  }

  /**
   * Fashion-MNIST's training set (less a validation part) and test set; or a CSV file split into training,
   * validation and a 20 % test part, all from {@code seed}.
   */
  Loaded load(double validationFraction, long seed, PrintWriter out) throws IOException {
    checkOneSource();
    if (csv != null) {
      Dataset all = CsvReader.classification(csv, labelColumn, header);
      if (Math.round(all.size() * TEST_FRACTION) == 0) {
        throw new IllegalArgumentException("--csv " + csv + " holds " + all.size() + " sample"
            + (all.size() == 1 ? "" : "s") + ", too few to hold a fifth out for testing: at least 3 are needed");
      }
      Split testSplit = Split.of(all, TEST_FRACTION, seed);
      Dataset training = testSplit.training();
      Dataset validation = null;
      if (validationFraction > 0) {
        Split v = validationSplit(training, validationFraction, seed + 1);
        training = v.training();
        validation = v.validation();
      }
      return new Loaded(String.format(Locale.ROOT, "%s: %d samples of %d features, %d classes %s", csv, all.size(),
          all.featureShape().size(), all.numClasses(), brief(all.classNames())), training, validation,
          testSplit.validation(),
          null);
    }
    FashionMnist.Data d = FashionMnist.load(fashionMnist.directory(out));
    Dataset training = d.training();
    Dataset validation = null;
    if (validationFraction > 0) {
      Split v = validationSplit(d.training(), validationFraction, seed);
      training = v.training();
      validation = v.validation();
    }
    return new Loaded(String.format(Locale.ROOT, "Fashion-MNIST from %s: %,d training and %,d test images of 28×28",
        d.directory(), d.training().size(), d.test().size()), training, validation, d.test(), d.directory());
  }

  /**
   * {@code training} less the part {@code fraction} held out for validation, refused naming --validation-fraction when
   * a side would be empty.
   */
  private static Split validationSplit(Dataset training, double fraction, long seed) {
    long held = Math.round(training.size() * fraction);
    if (held == 0 || held == training.size()) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "--validation-fraction %s of the %d training "
          + "samples holds out %d, leaving %s: choose another fraction, or 0 for no validation", fraction,
          training.size(), held, held == 0 ? "the validation set empty" : "nothing to train on"));
    }
    return Split.of(training, fraction, seed);
  }
}
