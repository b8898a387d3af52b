package org.delta4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.util.List;
import org.delta4j.datasets.FashionMnist;
import org.delta4j.metrics.ConfusionMatrix;
import org.junit.jupiter.api.Test;

/**
 * The confusion-matrix picture: white for 0 to dark for the most, counts beside row shares, every number readable
 * against its cell, and slanted class names that keep apart.
 */
class ConfusionMatrixChartTest {
  private static final List<String> NAMES = FashionMnist.CLASS_NAMES;

  /** A matrix of Fashion-MNIST's size: mostly right, shirts often taken for T-shirts, no sandal ever a bag. */
  private static ConfusionMatrix matrix() {
    ConfusionMatrix m = new ConfusionMatrix(10);
    for (int a = 0; a < 10; a++) {
      for (int i = 0; i < 90; i++) {
        m.add(a, a);
      }
      for (int i = 0; i < 10; i++) {
        m.add(a, a == 6 ? 0 : (a + 1) % 10);
      }
    }
    return m;
  }

  private static Color at(BufferedImage image, int x, int y) {
    return new Color(image.getRGB(x, y));
  }

  /** Whether some pixel of the cell's middle third is of the given brightness side, i.e. text is drawn there. */
  private static boolean hasTextOf(BufferedImage image, Rectangle c, boolean light) {
    for (int x = c.x + c.width / 4; x < c.x + 3 * c.width / 4; x++) {
      for (int y = c.y + c.height / 3; y < c.y + 2 * c.height / 3; y++) {
        Color p = at(image, x, y);
        int brightness = (p.getRed() + p.getGreen() + p.getBlue()) / 3;
        if (light ? brightness > 200 : brightness < 60) {
          return true;
        }
      }
    }
    return false;
  }

  @Test
  void zeroIsWhiteTheMostIsDarkAndEveryNumberStandsOutFromItsCell() {
    ConfusionMatrix m = matrix();
    BufferedImage image = ConfusionMatrixChart.render(m, NAMES);
    ConfusionMatrixChart.Layout l = ConfusionMatrixChart.layout(NAMES, image.createGraphics());
    for (int panel = 0; panel < 2; panel++) {
      Rectangle zero = l.cell(panel, 5, 8); // no sandal was ever taken for a bag
      assertEquals(Color.WHITE, at(image, zero.x + 1, zero.y + 1), "a zero cell is white");
      assertTrue(hasTextOf(image, zero, false), "its 0 is printed in black");
      Rectangle most = l.cell(panel, 3, 3);
      assertEquals(panel == 0 ? ConfusionMatrixChart.DARK : ConfusionMatrixChart.shade(0.9),
          at(image, most.x + 1, most.y + 1), "the largest count is darkest, a share of 0.9 nearly so");
      assertTrue(hasTextOf(image, most, true), "its number is printed in white");
      Rectangle some = l.cell(panel, 6, 0);
      Color c = at(image, some.x + 1, some.y + 1);
      assertTrue(c.getRed() < 255 && c.getRed() > ConfusionMatrixChart.DARK.getRed(), "10 of 100 is a light shade");
      assertTrue(hasTextOf(image, some, false), "its number is printed in black");
    }
    assertTrue(l.cell(1, 0, 0).x > l.cell(0, 0, 9).x + l.cell(0, 0, 9).width, "the shares stand beside the counts");
    // Slanted at 45°, neighbouring names are cell·√½ apart; the font is shorter than that.
    assertTrue(image.createGraphics().getFontMetrics(l.labelFont()).getHeight() < l.cell() * Math.sqrt(0.5),
        "predicted class names do not overlap");
  }

  /** With few classes the titles, wider than the matrices, kept them apart: they ran into each other, off the image. */
  @Test
  void theTitlesKeepApartAndWithinThePictureForAnyNumberOfClasses() {
    for (int n : new int[] {1, 2, 3, 4, 10}) {
      List<String> names = NAMES.subList(0, n);
      BufferedImage image = ConfusionMatrixChart.render(new ConfusionMatrix(n), names);
      java.awt.Graphics2D g = image.createGraphics();
      ConfusionMatrixChart.Layout l = ConfusionMatrixChart.layout(names, g);
      java.awt.FontMetrics bold = g.getFontMetrics(l.labelFont().deriveFont(java.awt.Font.BOLD));
      int countsEnd = l.cell(0, 0, 0).x + bold.stringWidth(ConfusionMatrixChart.TITLES[0]);
      int sharesStart = l.cell(1, 0, 0).x;
      assertTrue(countsEnd < sharesStart, n + " classes: the first title ends at " + countsEnd + ", the second "
          + "starts at " + sharesStart);
      assertTrue(sharesStart + bold.stringWidth(ConfusionMatrixChart.TITLES[1]) < image.getWidth(),
          n + " classes: the second title runs off the picture");
    }
  }

  /**
   * A class name of any length is drawn cut short with an ellipsis, at most {@value
   * ConfusionMatrixChart#MAX_NAME_WIDTH} pixels wide, so the picture's size does not grow with it: one of 5,000
   * characters made a picture whose pixel count overflowed (NegativeArraySizeException), one of 1,500 ran the heap out,
   * both after the training and before the model was written.
   */
  @Test
  void aLongClassNameIsCutShortAndThePictureKeepsItsSize() {
    for (int length : new int[] {1_500, 5_000, 1_000_000}) {
      List<String> names = new java.util.ArrayList<>(NAMES);
      names.set(3, "Dress " + "x".repeat(length));
      BufferedImage image = ConfusionMatrixChart.render(matrix(), names);
      java.awt.FontMetrics fm = image.createGraphics()
          .getFontMetrics(ConfusionMatrixChart.layout(names, image.createGraphics()).labelFont());
      String drawn = ConfusionMatrixChart.abbreviate(names.get(3), fm);
      assertTrue(drawn.startsWith("Dress xxx") && drawn.endsWith("…"), drawn);
      assertTrue(fm.stringWidth(drawn) <= ConfusionMatrixChart.MAX_NAME_WIDTH, drawn);
      List<String> shortened = new java.util.ArrayList<>(NAMES);
      shortened.set(3, drawn);
      BufferedImage asDrawn = ConfusionMatrixChart.render(matrix(), shortened);
      assertEquals(asDrawn.getWidth() + "×" + asDrawn.getHeight(), image.getWidth() + "×" + image.getHeight(),
          length + " characters: the picture is as large as its names are drawn");
    }
    assertEquals("Ankle boot", ConfusionMatrixChart.abbreviate("Ankle boot",
        new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics().getFontMetrics()), "a name that fits");
  }

  /** A name is cut between characters, never inside one written as two chars (a surrogate pair, such as 𝔸). */
  @Test
  void aNameIsCutBetweenCharacters() {
    java.awt.FontMetrics fm = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics().getFontMetrics();
    String drawn = ConfusionMatrixChart.abbreviate("𝔸".repeat(2_000), fm);
    String kept = drawn.substring(0, drawn.length() - 1);
    assertTrue(!kept.isEmpty() && kept.replace("𝔸", "").isEmpty() && drawn.endsWith("…"), drawn);
  }

  @Test
  void theScaleRunsFromWhiteToDark() {
    assertEquals(Color.WHITE, ConfusionMatrixChart.shade(0));
    assertEquals(ConfusionMatrixChart.DARK, ConfusionMatrixChart.shade(1));
    assertTrue(ConfusionMatrixChart.shade(0.3).getRed() > ConfusionMatrixChart.shade(0.6).getRed());
  }
}
