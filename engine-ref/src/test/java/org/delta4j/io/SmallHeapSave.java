package org.delta4j.io;

import java.io.IOException;
import java.nio.file.Path;
import org.delta4j.engine.ref.RefEngine;
import org.delta4j.nn.Network;

/**
 * Makes the network its first argument describes (JSON) and saves it to the file its second names, in a JVM of its
 * own with a small heap: a model that fits the heap but not twice over, without filling a test's own. Prints "saved",
 * "out of memory: message" or the error.
 */
final class SmallHeapSave {
  private SmallHeapSave() {}

  public static void main(String[] args) throws IOException {
    Network network = Network.create(NetworkSpecJson.read(args[0]), new RefEngine());
    try {
      ModelFiles.save(network, Path.of(args[1]));
      System.out.println("saved");
    } catch (IllegalStateException e) { // memory that could not be had, as Heap.outOfMemory words it
      System.out.println("out of memory: " + e.getMessage());
    } catch (OutOfMemoryError e) {
      System.out.println(e);
    }
  }
}
