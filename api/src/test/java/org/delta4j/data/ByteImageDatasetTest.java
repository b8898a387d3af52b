package org.delta4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.delta4j.tensor.Shape;
import org.junit.jupiter.api.Test;

/** Bytes kept as bytes, turned into normalised features and one-hot targets batch by batch; bad contents refused. */
class ByteImageDatasetTest {
  private final ByteImageDataset data = new ByteImageDataset(new byte[] {0, (byte) 255, 51, (byte) 102, 0, 0},
      Shape.of(2), new int[] {1, 0, 2}, List.of("a", "b", "c"), Normalization.unitRange());

  @Test
  void fillsNormalisedFeaturesAndOneHotTargetsInTheGivenOrder() {
    float[] x = new float[4];
    float[] t = new float[6];
    data.fill(new int[] {1, 0}, 0, 2, x, t);
    assertArrayEquals(new float[] {0.2f, 0.4f, 0f, 1f}, x, 1e-7f);
    assertArrayEquals(new float[] {1, 0, 0, 0, 1, 0}, t);
    assertEquals(2, data.label(2));
    assertArrayEquals(new byte[] {51, 102}, data.sampleBytes(1));
  }

  /** The labels are the dataset's own: one changed by the caller afterwards was read, and failed deep in fill. */
  @Test
  void labelsAreCopiedAndANullClassNameIsNamed() {
    int[] labels = {1, 0, 2};
    ByteImageDataset own = new ByteImageDataset(new byte[6], Shape.of(2), labels, List.of("a", "b", "c"),
        Normalization.unitRange());
    labels[0] = 7;
    assertEquals(1, own.label(0));
    NullPointerException e = assertThrows(NullPointerException.class, () -> new ByteImageDataset(
        new byte[2], Shape.of(2), new int[] {0}, java.util.Arrays.asList("a", null), Normalization.unitRange()));
    assertEquals("class name 1 of [a, null] is null", e.getMessage());
  }

  @Test
  void reshapingAndRenormalisingShareTheBytes() {
    ByteImageDataset square = data.reshaped(Shape.of(1, 2));
    assertEquals(Shape.of(1, 2), square.featureShape());
    assertTrue(square.pixels() == data.pixels());
    ByteImageDataset centred = data.withNormalization(new Normalization(0.5, 0.5));
    float[] x = new float[2];
    centred.fill(new int[] {0}, 0, 1, x, new float[3]);
    assertArrayEquals(new float[] {-1f, 1f}, x, 1e-6f); // (0/255 − 0.5)/0.5 and (255/255 − 0.5)/0.5
    assertThrows(IllegalArgumentException.class, () -> data.reshaped(Shape.of(3)));
  }

  @Test
  void badContentsAreRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ByteImageDataset(new byte[3],
        Shape.of(2), new int[] {0, 1}, List.of("a", "b"), Normalization.unitRange()));
    assertTrue(e.getMessage().contains("2 labels need 4 bytes of samples of shape [2], got 3"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new ByteImageDataset(new byte[4], Shape.of(2),
        new int[] {0, 5}, List.of("a", "b"), Normalization.unitRange()));
    assertTrue(e.getMessage().contains("label of sample 1 is 5, outside [0, 2)"), e.getMessage());
  }

  @Test
  void aSampleOrBatchOutsideTheDataIsRefusedNamingTheIndex() {
    assertArrayEquals(new byte[] {0, 0}, data.sampleBytes(2));
    assertEquals("sample 3 is outside the dataset's 3 samples",
        assertThrows(IndexOutOfBoundsException.class, () -> data.sampleBytes(3)).getMessage());
    assertEquals("sample -1 is outside the dataset's 3 samples",
        assertThrows(IndexOutOfBoundsException.class, () -> data.label(-1)).getMessage());
    float[] x = new float[4];
    float[] t = new float[6];
    assertEquals("fill: order[1] is sample 3, outside the dataset's 3 samples",
        assertThrows(IndexOutOfBoundsException.class, () -> data.fill(new int[] {0, 3}, 0, 2, x, t)).getMessage());
    assertEquals("fill: samples [1, 3) of an order of 2",
        assertThrows(IndexOutOfBoundsException.class, () -> data.fill(new int[] {0, 1}, 1, 2, x, t)).getMessage());
    assertEquals("fill: targets holds 2 values, not the 2 × 3 of 2 samples",
        assertThrows(IllegalArgumentException.class, () -> data.fill(new int[] {0, 1}, 0, 2, x, new float[2]))
            .getMessage());
  }
}
