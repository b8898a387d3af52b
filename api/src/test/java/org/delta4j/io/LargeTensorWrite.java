package org.delta4j.io;

import java.nio.file.Path;
import java.util.Map;
import org.delta4j.tensor.DataType;

/**
 * Writes one F64 tensor of as many values as its first argument says to the file its second names, in a JVM of its
 * own: the values of a tensor past the limit of a file take a heap larger than a test's. Prints "wrote" or the
 * exception.
 */
final class LargeTensorWrite {
  private LargeTensorWrite() {}

  public static void main(String[] args) {
    int count = Integer.parseInt(args[0]);
    try {
      SafeTensors.write(Path.of(args[1]), Map.of("w", new SafeTensors.Entry(DataType.FLOAT64, new int[] {count},
          new double[count])), Map.of());
      System.out.println("wrote");
    } catch (Exception | Error e) {
      System.out.println(e);
    }
  }
}
