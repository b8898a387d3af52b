package org.delta4j.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.delta4j.metrics.ConfusionMatrix;

/**
 * The confusion matrix drawn for people: the counts on the left and each actual class's row normalised to shares on
 * the right, actual classes down and predicted classes across. Each cell's colour runs on one sequential scale from
 * white (0) to dark blue (the largest count, or a share of 1), and its number is printed in black or white, whichever
 * stands out from the cell. Predicted class names are slanted so that neighbours never overlap; a name too long for
 * the picture is cut short with an ellipsis.
 */
final class ConfusionMatrixChart {
  /**
   * The most classes drawn: cells of at least 28 pixels make a chart of 100 classes 6,000 pixels wide, and one of 500
   * needed 1.5 GB of memory for cells no one could read.
   */
  static final int MAX_CLASSES = 100;

  /**
   * The widest a class name is drawn, in pixels; a longer one is cut short with an ellipsis. The picture grows with its
   * widest name: one of 5,000 characters made a picture whose pixel count overflowed an int, one of 1,500 ran the heap
   * out. Fashion-MNIST's names are at most about 130 pixels wide in the largest font.
   */
  static final int MAX_NAME_WIDTH = 300;

  /** The darkest colour of the scale. */
  static final Color DARK = new Color(8, 48, 107);
  private static final int MARGIN = 16;

  /** Where things are in the picture: the cells of each panel, and the sizes chosen for the class count. */
  record Layout(int cell, int left, int top, int panelGap, Font labelFont, Font valueFont) {
    Rectangle cell(int panel, int actual, int predicted) {
      return new Rectangle(left + panel * panelGap + predicted * cell, top + actual * cell, cell, cell);
    }
  }

  /** The panels' titles: the counts, then each actual class's shares. */
  static final String[] TITLES = {"Counts: actual ↓, predicted →", "Share of each actual class"};

  private ConfusionMatrixChart() {}

  /** The colour of a value in [0, 1] on the sequential scale. */
  static Color shade(double fraction) {
    double f = Math.max(0, Math.min(1, fraction));
    return new Color((int) Math.round(255 + (DARK.getRed() - 255) * f), (int) Math.round(255 + (DARK.getGreen() - 255)
        * f), (int) Math.round(255 + (DARK.getBlue() - 255) * f));
  }

  /**
   * {@code name} as drawn in {@code fm}'s font: whole where it is at most {@value #MAX_NAME_WIDTH} pixels wide, else
   * its longest beginning that is with an ellipsis after it, cut between characters (never inside a surrogate pair).
   */
  static String abbreviate(String name, FontMetrics fm) {
    // Only a name's first MAX_NAME_WIDTH characters can fit (a character that draws anything is a pixel wide or more),
    // so a name of millions is never measured whole.
    int chars = name.codePointCount(0, name.length());
    String head = chars <= MAX_NAME_WIDTH ? name : name.substring(0, name.offsetByCodePoints(0, MAX_NAME_WIDTH));
    if (head.length() == name.length() && fm.stringWidth(name) <= MAX_NAME_WIDTH) {
      return name;
    }
    int fits = 0; // code points of head that fit before the ellipsis: a binary search, the width growing with them
    int over = head.codePointCount(0, head.length()) + 1;
    while (over - fits > 1) {
      int mid = (fits + over) >>> 1;
      if (fm.stringWidth(head.substring(0, head.offsetByCodePoints(0, mid)) + "…") <= MAX_NAME_WIDTH) {
        fits = mid;
      } else {
        over = mid;
      }
    }
    return head.substring(0, head.offsetByCodePoints(0, fits)) + "…";
  }

  /** The layout for {@code names}, measured with {@code g}'s fonts. */
  static Layout layout(List<String> names, Graphics2D g) {
    int n = names.size();
    int cell = Math.max(28, Math.min(64, 640 / Math.max(n, 1)));
    // Slanted at 45°, neighbouring labels are cell·√½ apart: the font's height stays below that.
    Font labelFont = new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(8, (int) (cell * 0.38)));
    Font valueFont = new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(8, (int) (cell * 0.3)));
    FontMetrics fm = g.getFontMetrics(labelFont);
    int widest = names.stream().mapToInt(name -> fm.stringWidth(abbreviate(name, fm))).max().orElse(0);
    int left = MARGIN + widest + 12;
    int top = MARGIN + 2 * fm.getHeight();
    // a panel is as wide as its matrix, or as its title where few classes make the matrix narrower
    FontMetrics bold = g.getFontMetrics(labelFont.deriveFont(Font.BOLD));
    int titles = Arrays.stream(TITLES).mapToInt(bold::stringWidth).max().orElse(0);
    int panelGap = Math.max(n * cell, titles + 2 * MARGIN) + left;
    return new Layout(cell, left, top, panelGap, labelFont, valueFont);
  }

  /** The picture: both panels, their titles and the class names. */
  static BufferedImage render(ConfusionMatrix m, List<String> names) {
    if (names.size() > MAX_CLASSES) {
      throw new IllegalArgumentException("a confusion-matrix chart draws at most " + MAX_CLASSES + " classes, not "
          + names.size());
    }
    if (names.size() != m.classes()) {
      throw new IllegalArgumentException(m.classes() + " classes but " + names.size() + " class names");
    }
    int n = m.classes();
    BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    Graphics2D pg = probe.createGraphics();
    Layout l = layout(names, pg);
    FontMetrics labels = pg.getFontMetrics(l.labelFont());
    List<String> drawn = names.stream().map(name -> abbreviate(name, labels)).toList();
    int widest = drawn.stream().mapToInt(labels::stringWidth).max().orElse(0);
    pg.dispose();
    int slant = (int) Math.ceil((widest + l.cell()) * Math.sqrt(0.5)) + 40;
    BufferedImage image = new BufferedImage(2 * l.panelGap() + slant,
        l.top() + n * l.cell() + slant, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, image.getWidth(), image.getHeight());
    long max = 1;
    for (int a = 0; a < n; a++) {
      for (int p = 0; p < n; p++) {
        max = Math.max(max, m.count(a, p));
      }
    }
    for (int panel = 0; panel < 2; panel++) {
      g.setColor(Color.BLACK);
      g.setFont(l.labelFont().deriveFont(Font.BOLD));
      Rectangle first = l.cell(panel, 0, 0);
      g.drawString(TITLES[panel], first.x, MARGIN + g.getFontMetrics().getAscent());
      for (int a = 0; a < n; a++) {
        long row = m.support(a);
        for (int p = 0; p < n; p++) {
          double fraction = panel == 0 ? (double) m.count(a, p) / max : row == 0 ? 0 : (double) m.count(a, p) / row;
          String text = panel == 0 ? String.valueOf(m.count(a, p))
              : String.format(Locale.ROOT, "%.2f", row == 0 ? 0 : (double) m.count(a, p) / row);
          Rectangle c = l.cell(panel, a, p);
          g.setColor(shade(fraction));
          g.fillRect(c.x, c.y, c.width, c.height);
          g.setColor(fraction > 0.45 ? Color.WHITE : Color.BLACK);
          g.setFont(l.valueFont());
          FontMetrics fm = g.getFontMetrics();
          g.drawString(text, c.x + (c.width - fm.stringWidth(text)) / 2,
              c.y + (c.height + fm.getAscent() - fm.getDescent()) / 2);
        }
      }
      g.setColor(Color.GRAY);
      g.setStroke(new BasicStroke(1));
      g.drawRect(first.x, first.y, n * l.cell(), n * l.cell());
      g.setColor(Color.BLACK);
      g.setFont(l.labelFont());
      FontMetrics fm = g.getFontMetrics();
      for (int a = 0; a < n; a++) { // actual classes, right-aligned before each row
        Rectangle c = l.cell(panel, a, 0);
        g.drawString(drawn.get(a), c.x - 8 - fm.stringWidth(drawn.get(a)),
            c.y + (c.height + fm.getAscent() - fm.getDescent()) / 2);
      }
      for (int p = 0; p < n; p++) { // predicted classes, slanted down-left from under each column
        Rectangle c = l.cell(panel, n - 1, p);
        AffineTransform saved = g.getTransform();
        g.translate(c.x + c.width / 2.0 + fm.getAscent() / 2.0, c.y + c.height + 8);
        g.rotate(Math.PI / 4);
        g.drawString(drawn.get(p), 0, 0);
        g.setTransform(saved);
      }
    }
    g.dispose();
    return image;
  }
}
