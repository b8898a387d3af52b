package org.delta4j.spark;

import java.io.Serializable;
import scala.runtime.AbstractFunction1;

/**
 * The Spark entry points' refusal of a missing argument, by what it is: a null network or DataFrame had reached Spark
 * or the network's methods and failed there as a bare null dereference; and of a param value of another type than the
 * param's.
 */
final class SparkArguments {
  private SparkArguments() {}

  /** Refuses a null {@code value}, naming {@code what} it is ("the data to train on"). */
  static void present(String what, Object value) {
    if (value == null) {
      throw new IllegalArgumentException(what + " is null");
    }
  }

  /**
   * A param's validator that refuses a value of another class than {@code type}, naming the param and the value and
   * its class; a null too, unless {@code nullable}. Spark ML's params take any object through {@code set(name,
   * value)}, a {@code ParamMap} or, in Java, {@code set(intParam, "5")} or {@code set(longParam, 42)} (an Integer), and
   * the first read of the value failed with a ClassCastException.
   */
  static <T> scala.Function1<T, Object> ofType(Class<?> type, String param, boolean nullable) {
    return new OfType<>(type, param, nullable);
  }

  private static final class OfType<T> extends AbstractFunction1<T, Object> implements Serializable {
    private static final long serialVersionUID = 1L;
    private final Class<?> type;
    private final String param;
    private final boolean nullable;

    OfType(Class<?> type, String param, boolean nullable) {
      this.type = type;
      this.param = param;
      this.nullable = nullable;
    }

    @Override
    public Object apply(T value) {
      if (value == null ? !nullable : !type.isInstance(value)) {
        throw new IllegalArgumentException("param " + param + " takes a value of type " + type.getSimpleName()
            + ", got " + (value == null ? "null" : value + " (" + value.getClass().getName() + ")"));
      }
      return Boolean.TRUE;
    }
  }
}
