package org.delta4j.spark;

/**
 * The Spark entry points' refusal of a missing argument, by what it is: a null network or DataFrame had reached Spark
 * or the network's methods and failed there as a bare null dereference.
 */
final class SparkArguments {
  private SparkArguments() {}

  /** Refuses a null {@code value}, naming {@code what} it is ("the data to train on"). */
  static void present(String what, Object value) {
    if (value == null) {
      throw new IllegalArgumentException(what + " is null");
    }
  }
}
