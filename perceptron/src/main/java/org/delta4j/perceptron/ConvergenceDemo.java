package org.delta4j.perceptron;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import org.delta4j.data.ByteImageDataset;
import org.delta4j.datasets.FashionMnist;
import org.delta4j.io.AtomicFiles;
import org.delta4j.random.SplitMix64;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Demonstrates the perceptron convergence theorem — from w₀ = 0 the perceptron makes at most R²/γ² mistakes on data
 * separable with margin γ — and checks it on every run: (1) synthetic separable sets in several dimensions with
 * margins over two orders of magnitude, in random and adversarial orders, plotted against the bound on log-log axes;
 * (2) Fashion-MNIST class pairs, which converge within the pass cap or not (not converging shows no more than that: a
 * small margin needs many mistakes); (3) XOR, which is not separable, its certificate bounding its best margin by
 * round-off (no bound computed in floating point can show it is 0). Writes
 * {@code perceptron-convergence.md} and {@code perceptron-convergence.png} to the output directory.
 */
public final class ConvergenceDemo {
  /** The files a run writes in its output directory: the table, and the chart it shows. */
  public static final List<String> FILES = List.of("perceptron-convergence.md", "perceptron-convergence.png");

  /** The 45 pairs of the ten Fashion-MNIST classes. */
  private static final int CLASS_PAIRS = 45;

  private ConvergenceDemo() {}

  /** One measured run: mistakes against the certified bound. */
  record Row(String set, int dimension, double targetMargin, String order, int points, double radius, double lower,
      double upper, long mistakes, double bound, String outcome) {}

  /**
   * {@code ConvergenceDemo [OUTPUT_DIR] [--pairs N]}: writes the table and chart (default directory: current; N from
   * 0 to 45, default 45). Any other argument is refused before anything runs.
   */
  public static void main(String[] args) throws IOException {
    System.setProperty("java.awt.headless", "true");
    Path out = null;
    int pairs = CLASS_PAIRS;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--pairs")) {
        if (++i == args.length) {
          throw new IllegalArgumentException("--pairs needs a number from 0 to " + CLASS_PAIRS);
        }
        pairs = pairs(args[i]);
      } else if (out == null && !args[i].startsWith("-")) {
        out = Path.of(args[i]);
      } else {
        throw new IllegalArgumentException("unexpected argument " + args[i] + "; usage: ConvergenceDemo [OUTPUT_DIR] "
            + "[--pairs N]");
      }
    }
    run(out == null ? Path.of(".") : out, System.out::println, pairs, null);
  }

  private static int pairs(String value) {
    String refusal = "--pairs must be a whole number from 0 to " + CLASS_PAIRS + ", got " + value;
    int n;
    try {
      n = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(refusal, e);
    }
    if (n < 0 || n > CLASS_PAIRS) {
      throw new IllegalArgumentException(refusal);
    }
    return n;
  }

  /**
   * Runs the whole demonstration; {@code fashionPairs} (0 to 45) limits how many Fashion-MNIST class pairs are
   * searched, read from {@code fashionMnistDirectory} (null: found in {@link FashionMnist#locate}'s order).
   */
  public static void run(Path outputDirectory, Consumer<String> log, int fashionPairs, Path fashionMnistDirectory)
      throws IOException {
    Objects.requireNonNull(outputDirectory, "outputDirectory");
    Objects.requireNonNull(log, "log");
    if (fashionPairs < 0 || fashionPairs > CLASS_PAIRS) {
      throw new IllegalArgumentException("fashionPairs must be from 0 to " + CLASS_PAIRS + ", got " + fashionPairs);
    }
    // The pairs asked for are read first: a set missing or corrupt is an error before any work, not a note in the
    // report of a run that exits as if all were done
    ByteImageDataset fashion = fashionPairs > 0 ? FashionMnist.load(fashionMnistDirectory).training() : null;
    Files.createDirectories(outputDirectory);
    List<Row> rows = new ArrayList<>();
    StringBuilder md = new StringBuilder("# The perceptron convergence theorem, checked\n\n"
        + "From w₀ = 0, on points (bias folded in as x₀ = 1) separable with margin γ by a unit vector, the perceptron "
        + "makes at most R²/γ² mistakes, R = max‖(1, xₖ)‖ (the bias coordinate included). γ here is a *certified lower bound* on the best margin γ* "
        + "(the margin of an explicit separator found by the MDM algorithm), so R²/γ² is a true upper bound; "
        + "γ* ≤ the upper bound shown. Every run below is checked against it.\n\n");

    md.append("## 1. Synthetic separable sets\n\n400 points in the unit ball whose best margin γ* is the target "
        + "exactly: two of them lie at ±γ from a hyperplane through the origin, the others at least γ from it. The "
        + "adversarial order visits the points farthest from the best separator first.\n\n");
    for (int dim : new int[] {2, 10, 50}) {
      for (double margin : new double[] {0.3, 0.1, 0.03, 0.01, 0.003}) {
        LabeledPoints d = syntheticSet(400, dim, margin, 1000L * dim + (long) (margin * 1e4));
        MaxMargin.Certificate c = MaxMargin.of(d, 1e-4, 200_000);
        for (String order : new String[] {"random", "adversarial"}) {
          LabeledPoints ordered = order.equals("random") ? d : farthestFirst(d, c);
          rows.add(check("synthetic", ordered, c, order, margin, log));
        }
      }
    }
    table(md, rows);
    double slope = slope(rows);
    md.append(String.format(Locale.ROOT, "%nEvery run is under its bound. Fitted on log-log axes, the mistakes grow as "
        + "(1/γ²)^%.2f as the margin shrinks: they rise with 1/γ² as the theorem says they may, and stay below the "
        + "worst case (exponent 1) that the bound allows.%n%n![mistakes against the bound]"
        + "(perceptron-convergence.png)%n%n", slope));
    chart(rows, outputDirectory.resolve(FILES.get(1)));

    md.append("## 2. Fashion-MNIST class pairs (training set, pixels / 255)\n\n");
    if (fashionPairs <= 0) {
      md.append("Not searched in this run.\n\n");
    } else {
      List<Row> pairs = fashionPairs(fashionPairs, fashion, log);
      table(md, pairs);
      long separable = pairs.stream().filter(r -> r.outcome().startsWith("converged")).count();
      md.append(String.format(Locale.ROOT, "%n%d of %d pairs converged within the pass cap, so are separable; the "
          + "others did not converge within it, which does not show that they are not: a margin γ small against R "
          + "allows up to R²/γ² mistakes before the perceptron converges.%n%n", separable, pairs.size()));
    }

    md.append("## 3. XOR\n\n");
    LabeledPoints xor = LabeledPoints.of(new double[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}}, new int[] {-1, 1, 1, -1});
    Perceptron.Run x = Perceptron.train(xor, 1, 1000);
    MaxMargin.Certificate xc = MaxMargin.of(xor, 1e-9, 10_000);
    md.append("XOR: ").append(x.outcome()).append("; the best margin's upper bound is ")
        .append(String.format(Locale.ROOT, "%.3g", xc.upper()))
        .append(", so no separator has a margin above it (the hull of the yₖ·xₖ comes that close to the origin; "
            + "for XOR it holds the origin, which no bound computed in floating point can show exactly).\n");
    log.accept("XOR: " + x.outcome());

    Path report = outputDirectory.resolve(FILES.get(0));
    AtomicFiles.writeString(report, md);
    log.accept("Wrote " + report + " and perceptron-convergence.png");
  }

  /** Runs the perceptron and fails loudly if it ever breaks the theorem. */
  private static Row check(String set, LabeledPoints d, MaxMargin.Certificate c, String order, double target,
      Consumer<String> log) {
    Perceptron.Run run = Perceptron.train(d, 1, 100_000);
    double bound = MaxMargin.mistakeBound(d, c);
    // Separable by construction: a set left uncertified or a run that never converged is a failure to report as
    // loudly as a broken bound, not a row of the table.
    if (!c.separates() || !run.converged() || run.mistakes() > bound) {
      throw new IllegalStateException("the convergence theorem fails on " + set + " (" + order + "): "
          + run.outcome() + ", against the bound " + bound + " from the certified γ ≥ " + c.lower());
    }
    Row r = new Row(set, d.dimension() - 1, target, order, d.size(), d.radius(), c.lower(), c.upper(),
        run.mistakes(), bound, run.outcome());
    log.accept(String.format(Locale.ROOT, "%s d=%d γ≥%.4g %s: %d mistakes ≤ %.4g", set, r.dimension(), r.lower(),
        order, r.mistakes(), bound));
    return r;
  }

  /**
   * n points in the unit ball of R^dim whose best margin γ* (bias folded in) is exactly {@code margin}. A random unit
   * vector u is the normal of the hyperplane u·x = 0; a pair x± = s ± γ·u with s ⊥ u is labelled ±1, and the other
   * points, uniform in the ball, keep |u·x| ≥ γ and the label of its sign. Augmented, zₖ = yₖ·(1, xₖ) all have
   * (0, u)·zₖ ≥ γ, and the pair's midpoint (z₊ + z₋)/2 = (0, γ·u) lies in their hull at distance γ: so γ* = γ, the
   * margin of (0, u) and the hull's distance from the origin at once. The points come in a random order.
   */
  static LabeledPoints syntheticSet(int n, int dim, double margin, long seed) {
    SplitMix64 r = new SplitMix64(seed);
    double[] u = unit(gaussian(r, dim));
    double[][] x = new double[n][];
    int[] y = new int[n];
    // s: a Gaussian direction with its u-component removed, of a length that keeps s ± γ·u in the unit ball
    double[] s = gaussian(r, dim);
    double along = LabeledPoints.dot(s, u);
    for (int j = 0; j < dim; j++) {
      s[j] -= along * u[j];
    }
    double room = r.nextDouble() * Math.sqrt(1 - margin * margin);
    double length = Math.sqrt(LabeledPoints.dot(s, s));
    for (int sign = 1, k = 0; k < 2; k++, sign = -sign) {
      x[k] = new double[dim];
      for (int j = 0; j < dim; j++) {
        x[k][j] = (length == 0 ? 0 : s[j] * room / length) + sign * margin * u[j];
      }
      y[k] = sign;
    }
    for (int k = 2; k < n; ) {
      double[] p = unit(gaussian(r, dim));
      double radius = Math.pow(r.nextDouble(), 1.0 / dim); // uniform in the ball
      for (int j = 0; j < dim; j++) {
        p[j] *= radius;
      }
      double a = LabeledPoints.dot(u, p);
      if (Math.abs(a) >= margin) {
        x[k] = p;
        y[k] = a > 0 ? 1 : -1;
        k++;
      }
    }
    int[] order = new int[n]; // the pair among the others: first, it made w ∝ (0, u) in two mistakes
    for (int k = 0; k < n; k++) {
      order[k] = k;
    }
    r.shuffle(order);
    return LabeledPoints.of(x, y).reordered(order);
  }

  private static double[] gaussian(SplitMix64 r, int dim) {
    double[] v = new double[dim];
    for (int j = 0; j < dim; j++) {
      v[j] = r.nextGaussian();
    }
    return v;
  }

  private static double[] unit(double[] v) {
    double norm = Math.sqrt(LabeledPoints.dot(v, v));
    for (int j = 0; j < v.length; j++) {
      v[j] /= norm;
    }
    return v;
  }

  /**
   * An adversarial order: the points farthest from the best separator first, the ones nearest it last, so that every
   * pass ends on the points the perceptron is least sure of. Nearest-first was the opposite of adversarial here: the
   * two points at the margin came first and their two updates summed to (0, 2γ·u), the best separator itself.
   */
  static LabeledPoints farthestFirst(LabeledPoints d, MaxMargin.Certificate c) {
    Integer[] idx = new Integer[d.size()];
    double[] m = new double[d.size()];
    for (int k = 0; k < idx.length; k++) {
      idx[k] = k;
      m[k] = d.label(k) * LabeledPoints.dot(c.separator(), d.point(k));
    }
    java.util.Arrays.sort(idx, (a, b) -> Double.compare(m[b], m[a]));
    int[] order = new int[idx.length];
    for (int k = 0; k < order.length; k++) {
      order[k] = idx[k];
    }
    return d.reordered(order);
  }

  private static List<Row> fashionPairs(int limit, ByteImageDataset train, Consumer<String> log) {
    List<Row> rows = new ArrayList<>();
    int done = 0;
    for (int a = 0; a < 10 && done < limit; a++) {
      for (int b = a + 1; b < 10 && done < limit; b++, done++) {
        List<double[]> x = new ArrayList<>();
        List<Integer> y = new ArrayList<>();
        byte[] pixels = train.pixels();
        for (int k = 0; k < train.size(); k++) {
          int label = train.label(k);
          if (label == a || label == b) {
            double[] v = new double[784];
            for (int j = 0; j < 784; j++) {
              v[j] = (pixels[k * 784 + j] & 0xff) / 255.0;
            }
            x.add(v);
            y.add(label == a ? 1 : -1);
          }
        }
        LabeledPoints d = LabeledPoints.of(x.toArray(new double[0][]), y.stream().mapToInt(i -> i).toArray());
        Perceptron.Run run = Perceptron.train(d, 1, 60);
        String set = FashionMnist.CLASS_NAMES.get(a) + " / " + FashionMnist.CLASS_NAMES.get(b);
        // A converged run's weights separate the set: their margin is certified too, so that MDM stopped after
        // 3000 steps never leaves a separated pair unchecked.
        MaxMargin.Certificate c = run.converged()
            ? MaxMargin.withSeparator(d, MaxMargin.of(d, 1e-3, 3000), run.weights())
            : new MaxMargin.Certificate(new double[d.dimension()], 0, Double.NaN, 0);
        double bound = MaxMargin.mistakeBound(d, c);
        if (c.separates() && run.mistakes() > bound) {
          throw new IllegalStateException("the convergence theorem is violated on " + set);
        }
        rows.add(new Row(set, 784, Double.NaN, "data order", d.size(), d.radius(), c.lower(), c.upper(),
            run.mistakes(), bound, run.outcome()));
        log.accept(set + ": " + run.outcome() + (c.separates() ? String.format(Locale.ROOT, ", γ ≥ %.3g, bound %.3g",
            c.lower(), bound) : ""));
      }
    }
    return rows;
  }

  private static void table(StringBuilder md, List<Row> rows) {
    md.append("| set | d | target γ | order | points | R | γ ≥ (certified) | γ* ≤ | mistakes | bound R²/γ² | "
        + "outcome |\n|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---|\n");
    for (Row r : rows) {
      md.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %d | %.3f | %s | %s | %d | %s | %s |%n", r.set(),
          r.dimension(), Double.isNaN(r.targetMargin()) ? "–" : String.format(Locale.ROOT, "%.3g", r.targetMargin()),
          r.order(), r.points(), r.radius(), r.lower() > 0 ? String.format(Locale.ROOT, "%.4g", r.lower()) : "none",
          Double.isNaN(r.upper()) ? "–" : String.format(Locale.ROOT, "%.4g", r.upper()), r.mistakes(),
          Double.isInfinite(r.bound()) ? "–" : String.format(Locale.ROOT, "%.4g", r.bound()), r.outcome()));
    }
  }

  /** The least-squares slope of log(mistakes) against log(1/γ²) over the synthetic runs. */
  private static double slope(List<Row> rows) {
    double sx = 0;
    double sy = 0;
    double sxx = 0;
    double sxy = 0;
    int n = 0;
    for (Row r : rows) {
      if (r.mistakes() > 0 && r.lower() > 0) {
        double x = Math.log(1 / (r.lower() * r.lower()));
        double y = Math.log(r.mistakes());
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
        n++;
      }
    }
    return (n * sxy - sx * sy) / (n * sxx - sx * sx);
  }

  private static void chart(List<Row> rows, Path png) throws IOException {
    XYChart chart = new XYChartBuilder().width(900).height(650)
        .title("Perceptron mistakes against the bound R²/γ² (every point below y = x)")
        .xAxisTitle("bound R²/γ²").yAxisTitle("mistakes").build();
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    double max = 1;
    for (String order : new String[] {"random", "adversarial"}) {
      List<Double> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      for (Row r : rows) {
        if (r.order().equals(order) && r.mistakes() > 0) {
          x.add(r.bound());
          y.add((double) r.mistakes());
          max = Math.max(max, r.bound());
        }
      }
      chart.addSeries(order + " order", x, y);
    }
    XYSeries line = chart.addSeries("mistakes = bound", new double[] {1, max}, new double[] {1, max});
    line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    line.setMarker(SeriesMarkers.NONE);
    AtomicFiles.write(png, tmp -> javax.imageio.ImageIO.write(BitmapEncoder.getBufferedImage(chart), "png",
        tmp.toFile()));
  }
}
