package org.delta4j.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.delta4j.io.NetworkSpecJson;
import org.delta4j.tensor.Shape;
import org.junit.jupiter.api.Test;

/**
 * The convolutional kinds: output sizes for each padding mode, stride and dilation; impossible geometry rejected when
 * the spec is built, naming the layer and the shapes; every kind written to JSON and read back equal.
 */
class ConvolutionSpecsTest {
  private static Shape out(LayerSpec l, int... input) {
    return l.outputShape(Shape.of(input));
  }

  @Test
  void outputSizesFollowPaddingStrideAndDilation() {
    assertEquals(Shape.of(32, 26, 26), out(new Conv2D(32, 3, Padding.VALID), 1, 28, 28));
    assertEquals(Shape.of(32, 28, 28), out(new Conv2D(32, 3, Padding.SAME), 1, 28, 28));
    assertEquals(Shape.of(4, 3, 4), out(new Conv2D(4, Window2D.square(3, Padding.SAME).withStride(2)), 2, 5, 7));
    assertEquals(Shape.of(2, 3, 3), out(new Conv2D(2, Window2D.square(3, Padding.VALID).withDilation(2)), 1, 7, 7));
    assertEquals(Shape.of(2, 8, 3), out(new Conv2D(2, new Window2D(3, 3, 1, 2, 1, 1, Padding.explicit(2, 1))), 1, 6, 6));
    assertEquals(Shape.of(3, 2, 2), out(new Pool2D(Pool2D.Kind.MAX, 2), 3, 5, 5));
    assertEquals(Shape.of(3), out(new GlobalAveragePool2D(), 3, 5, 4));
    assertEquals(Shape.of(60), out(new Flatten(), 3, 5, 4));
    assertEquals(Shape.of(3, 5, 4), out(new BatchNorm(), 3, 5, 4));
  }

  @Test
  void convolutionParametersDeclareTheirFans() {
    List<ParameterSpec> p = new Conv2D(8, 3, Padding.SAME).parameters(Shape.of(2, 5, 5));
    assertEquals(Shape.of(8, 2, 3, 3), p.get(0).shape());
    assertEquals(18, p.get(0).fanIn());
    assertEquals(72, p.get(0).fanOut());
    assertEquals(Shape.of(8), p.get(1).shape());
    Conv2D noBias = new Conv2D(null, 8, Window2D.square(1, Padding.VALID), Initializer.heNormal(), false,
        Initializer.zeros());
    assertEquals(1, noBias.parameters(Shape.of(2, 5, 5)).size());
  }

  @Test
  void impossibleGeometryIsRejectedWhenTheSpecIsBuilt() {
    InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> NetworkSpec.builder().input(1, 4, 4)
        .conv2d(2, 5, Padding.VALID).flatten().dense(2).loss(LossFunction.SOFTMAX_CROSS_ENTROPY).build());
    assertTrue(e.getMessage().contains("conv2d layer 'conv2d1'") && e.getMessage().contains("[1, 4, 4]")
        && e.getMessage().contains("5×5"), e.getMessage());
    e = assertThrows(InvalidSpecException.class, () -> NetworkSpec.builder().input(784).conv2d(2, 3, Padding.SAME)
        .flatten().dense(2).loss(LossFunction.SOFTMAX_CROSS_ENTROPY).build());
    assertTrue(e.getMessage().contains("[784]") && e.getMessage().contains("[channels, height, width]"),
        e.getMessage());
    e = assertThrows(InvalidSpecException.class, () -> NetworkSpec.builder().input(1, 6, 6).conv2d(2, 3,
        Padding.VALID).maxPool(2).maxPool(2).maxPool(2).flatten().dense(2)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).build());
    assertTrue(e.getMessage().contains("maxpool3") && e.getMessage().contains("[2, 1, 1]"), e.getMessage());
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> new Pool2D("p", Pool2D.Kind.MAX, new Window2D(2, 2, 2, 2, 1, 1, Padding.explicit(2, 0))));
    assertTrue(bad.getMessage().contains("max_pool2d layer 'p'") && bad.getMessage().contains("half"),
        bad.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Conv2D(0, 3, Padding.SAME));
    assertThrows(IllegalArgumentException.class, () -> new Padding(Padding.Mode.SAME, 1, 1));
  }

  @Test
  void windowSizesNearTheLargestIntAreJudgedWithoutWrappingAround() {
    int max = Integer.MAX_VALUE;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> out(new Conv2D(2, Window2D.square(3, Padding.VALID).withDilation(max)), 1, 8, 8));
    assertTrue(e.getMessage().contains("dilated by 2147483647 spans 4294967295 along the height"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> out(new Conv2D(2, new Window2D(3, 3, 1, 1, 1, 1, Padding.explicit(max, 0))), 1, 8, 8));
    assertTrue(e.getMessage().contains("padded by 2147483647 before, would give 4294967300 positions along the "
        + "height"), e.getMessage());
    assertEquals(Shape.of(2, 1, 1), out(new Conv2D(2, Window2D.square(3, Padding.SAME).withStride(max)), 1, 8, 8));
    e = assertThrows(IllegalArgumentException.class,
        () -> new Pool2D("p", Pool2D.Kind.MAX, new Window2D(2, 2, 2, 2, 1, 1, Padding.explicit(max, 0))));
    assertTrue(e.getMessage().contains("more than half the window"), e.getMessage());
  }

  @Test
  void aWindowSpanningMoreThanAnIntHoldsIsTooLargeNotWrappedAround() {
    // 4 · (2³⁰ + 1) wraps to 4 in int arithmetic: the window would have looked like an undilated 5×5 one
    Window2D far = Window2D.square(5, Padding.VALID).withDilation((1 << 30) + 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> out(new Conv2D(1, far), 1, 5, 5));
    assertTrue(e.getMessage().contains("4294967301") && e.getMessage().contains("[1, 5, 5]"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> out(new Pool2D(null, Pool2D.Kind.MAX, far), 1, 5, 5));
  }

  @Test
  void aWindowReachingPastTheIntRangeOfThePaddedInputIsRefused() {
    // padded "same" on either side by half its span, 2³¹ − 4 apart taps (a span an int holds) would be indexed past
    // the int range from the last of the five positions: 4 + 2³¹ − 3
    Window2D far = new Window2D(1, 2, 1, 1, 1, Integer.MAX_VALUE - 3, Padding.SAME);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> out(new Conv2D(1, far), 1, 5, 5));
    assertTrue(e.getMessage().contains("width") && e.getMessage().contains("2147483649")
        && e.getMessage().contains("[1, 5, 5]"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> out(new Conv2D(1, new Window2D(3, 3, 4, 4, 1, 1,
        Padding.explicit(1 << 30, 0))), 1, 5, 5));
  }

  @Test
  void aPoolingWindowThatReadsPaddingAloneIsRefused() {
    // taps 5 apart over 3 columns padded "same" by 2: windows 0 and 1 straddle the image, and max pooled −∞ there
    Window2D sparse = new Window2D(1, 2, 1, 1, 1, 5, Padding.SAME);
    for (Pool2D.Kind kind : Pool2D.Kind.values()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> out(new Pool2D(null, kind, sparse), 1, 1, 3));
      assertTrue(e.getMessage().contains("output column 0 reads padding alone") && e.getMessage().contains("[1, 1, 3]"),
          e.getMessage());
    }
    // explicit padding of at most half the span can do the same
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> out(new Pool2D(null,
        Pool2D.Kind.MAX, new Window2D(1, 2, 1, 1, 1, 5, Padding.explicit(0, 3))), 1, 1, 3));
    assertTrue(e.getMessage().contains("output column 1"), e.getMessage());
    // over a wider image the same window always meets it
    assertEquals(Shape.of(1, 1, 12), out(new Pool2D(null, Pool2D.Kind.MAX, sparse), 1, 1, 12));
    assertEquals(Shape.of(2, 3, 3), out(new Pool2D(null, Pool2D.Kind.AVERAGE, Window2D.square(3, Padding.SAME)
        .withStride(2)), 2, 5, 5));
  }

  @Test
  void aStrideNearTheIntLimitStillGivesOneOutputPerStartingPosition() {
    assertEquals(Shape.of(1, 1, 1), out(new Conv2D(1, Window2D.square(3, Padding.SAME).withStride(Integer.MAX_VALUE)),
        1, 5, 5));
    assertEquals(Shape.of(1, 1, 1), out(new Pool2D(null, Pool2D.Kind.MAX, Window2D.square(3, Padding.SAME)
        .withStride(Integer.MAX_VALUE)), 1, 5, 5));
  }

  @Test
  void paddingBeyondHalfAnIntIsRefusedAsMoreThanHalfThePoolingWindow() {
    // 2 · 2³⁰ wraps to a negative int, which passed as "at most half the window"
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Pool2D(null,
        Pool2D.Kind.AVERAGE, new Window2D(3, 3, 1, 1, 1, 1, Padding.explicit(1 << 30, 1 << 30))));
    assertTrue(e.getMessage().contains("more than half the window 3×3"), e.getMessage());
  }

  @Test
  void aWindowWhoseColumnMatrixOutgrowsAnArrayIsRefusedBeforeItsFansAreTaken() {
    // padded to keep the image's 28×28, a 2,000×2,000 window reads 4·10⁶ taps at each of 784 positions; at
    // 46,341×46,341 its taps alone, the weight's fan-in, pass the int range, which once gave a fan-in of −2,147,479,015
    for (int k : new int[] {2_000, 46_341}) {
      InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> NetworkSpec.builder().input(1, 28, 28)
          .conv2d(2, k, Padding.SAME).flatten().dense(2).loss(LossFunction.SOFTMAX_CROSS_ENTROPY).build());
      String values = String.format(java.util.Locale.ROOT, "%,d values an image", (long) k * k * 784);
      assertTrue(e.getMessage().contains("conv2d layer 'conv2d1' cannot take an input of shape [1, 28, 28]")
          && e.getMessage().contains(k + "×" + k + " window at 28×28 positions") && e.getMessage().contains(values)
          && e.getMessage().contains("more than one array holds") && !e.getMessage().contains("fan"), e.getMessage());
    }
    // the same window over a 1×1 image has one position: 4·10⁶ values, which fit
    assertEquals(Shape.of(2, 1, 1), out(new Conv2D(2, 2_000, Padding.SAME), 1, 1, 1));
  }

  @Test
  void aConvolutionPaddedBeyondHalfAnIntIsTooSmallAnInputNotAnInvalidOne() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> out(new Conv2D(1,
        new Window2D(3, 3, 1, 1, 1, 1, Padding.explicit(1 << 30, 0))), 1, 5, 5));
    assertTrue(e.getMessage().contains("2147483651") && e.getMessage().contains("more than one tensor"),
        e.getMessage());
  }

  @Test
  void everyConvolutionalKindRoundTripsThroughJson() {
    NetworkSpec spec = NetworkSpec.builder().input(3, 11, 9)
        .layer(new Conv2D("c", 4, new Window2D(3, 2, 2, 1, 1, 2, Padding.explicit(1, 2)), Initializer.xavierNormal(),
            false, Initializer.constant(0.1)))
        .layer(new BatchNorm("bn", 0.2, 1e-3)).relu()
        .layer(new Pool2D("mp", Pool2D.Kind.MAX, new Window2D(3, 3, 2, 2, 1, 1, Padding.SAME)))
        .layer(new Pool2D("ap", Pool2D.Kind.AVERAGE, new Window2D(2, 2, 1, 1, 1, 1, Padding.explicit(1, 1))))
        .conv2d(5, 1, Padding.VALID).globalAveragePool().layer(new BatchNorm()).flatten().dense(3)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).build();
    String json = NetworkSpecJson.write(spec);
    assertEquals(spec, NetworkSpecJson.read(json), json);
    for (LayerKind k : KindRegistry.standard().layerKinds()) {
      if (k.type().equals(ActivationFunction.SOFTMAX.label())) {
        continue; // must be the last layer
      }
      NetworkSpec one = NetworkSpec.builder().input(k.example().input().dims()).layer(k.example().spec()).flatten()
          .dense(2).loss(LossFunction.MEAN_SQUARED_ERROR).build();
      assertEquals(one, NetworkSpecJson.read(NetworkSpecJson.write(one)), k.type());
    }
  }

  @Test
  void aHandWrittenConvolutionTakesDefaults() {
    NetworkSpec spec = NetworkSpecJson.read("{\"input\": [1, 28, 28], \"layers\": ["
        + "{\"type\": \"conv2d\", \"filters\": 32, \"kernel\": [3]}, {\"type\": \"relu\"},"
        + "{\"type\": \"max_pool2d\", \"kernel\": [2, 2]}, {\"type\": \"flatten\"}, {\"type\": \"dense\", \"units\": 10}],"
        + "\"loss\": \"softmax_cross_entropy\"}");
    assertEquals(NetworkSpec.builder().input(1, 28, 28).conv2d(32, 3, Padding.VALID).relu().maxPool(2).flatten()
        .dense(10).loss(LossFunction.SOFTMAX_CROSS_ENTROPY).build(), spec);
  }
}
