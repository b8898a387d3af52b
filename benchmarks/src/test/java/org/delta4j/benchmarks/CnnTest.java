package org.delta4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.delta4j.engine.Engines;
import org.delta4j.nn.Network;
import org.delta4j.nn.layers.Conv2DLayer;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.junit.jupiter.api.Test;

/** The constants the peers build the benchmarked CNN from are those of the spec file Delta4j builds it from. */
class CnnTest {
  @Test
  void thePeersConstantsDescribeTheSpecFilesConvolutions() {
    Conv2DLayer[] convolutions = Conv2DBenchmark.convolutions(Network.create(Cnn.spec(), Engines.get("ref"),
        DataType.FLOAT32));
    assertEquals(Cnn.CONVOLUTIONS.length, convolutions.length);
    for (int i = 0; i < convolutions.length; i++) {
      int[] c = Cnn.CONVOLUTIONS[i];
      assertEquals(Shape.of(c[0], c[2], c[2]), convolutions[i].inputShape(), "input of convolution " + i);
      // Same padding at stride 1 keeps the side.
      assertEquals(Shape.of(c[1], c[2], c[2]), convolutions[i].outputShape(), "output of convolution " + i);
      assertArrayEquals(new int[] {c[1], c[0], Cnn.KERNEL, Cnn.KERNEL},
          convolutions[i].parameters().get(0).value().shape().dims(), "weights of convolution " + i);
    }
    assertEquals(Shape.of(1, Cnn.SIDE, Cnn.SIDE), Cnn.spec().inputShapes().get(0));
  }
}
