package org.delta4j.conformance;

import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Calls every public constructor and method of a type with one hostile argument at a time — null in each reference
 * position, and each of the hostile values registered for the parameter's type — the others valid, and collects the
 * calls that fail badly. A call may return, or throw {@link IllegalArgumentException}, {@link IllegalStateException},
 * {@link NullPointerException}, {@link IndexOutOfBoundsException}, {@link UnsupportedOperationException} or an
 * {@link java.io.IOException} with a message, thrown from Delta4j's own code. It fails badly when it throws anything
 * else (an array index, class cast, negative array size or arithmetic exception, an error such as running out of
 * memory), a null message, a message the JVM wrote for a null dereference, an exception the JDK threw from deep
 * inside, or when it runs past its time limit. An enum's {@code valueOf} keeps the JDK's contract and is not called.
 */
public final class HostileCalls {
  private static final long TIME_LIMIT_MILLIS = 5_000;
  private static final Set<String> OBJECT_METHODS = Set.of("equals", "hashCode", "toString", "getClass", "wait",
      "notify", "notifyAll");
  private static final List<Class<? extends Throwable>> SENSIBLE = List.of(IllegalArgumentException.class,
      IllegalStateException.class, NullPointerException.class, IndexOutOfBoundsException.class,
      UnsupportedOperationException.class, java.io.IOException.class, java.io.UncheckedIOException.class);

  private static final int MAX_COMBINATIONS = 64;
  private final Map<Class<?>, List<Supplier<?>>> valid = new HashMap<>();
  private final Map<Class<?>, List<Supplier<?>>> hostile = new HashMap<>();
  private final Map<Class<?>, List<Supplier<?>>> receivers = new HashMap<>();
  private final Set<String> skipped = new LinkedHashSet<>();
  private final Set<Class<?>> supplied = new LinkedHashSet<>();
  private final Set<String> problems = new LinkedHashSet<>();
  private final Set<String> uncovered = new LinkedHashSet<>();
  private ExecutorService runner = newRunner();
  private int calls;

  public HostileCalls() {
    valid(int.class, () -> 1);
    valid(long.class, () -> 1L);
    valid(double.class, () -> 0.5);
    valid(float.class, () -> 0.5f);
    valid(boolean.class, () -> false);
    valid(byte.class, () -> (byte) 1);
    valid(String.class, () -> "x");
    hostile(int.class, () -> -1, () -> 0, () -> Integer.MIN_VALUE, () -> Integer.MAX_VALUE);
    hostile(long.class, () -> -1L, () -> Long.MIN_VALUE, () -> Long.MAX_VALUE);
    hostile(double.class, () -> Double.NaN, () -> Double.POSITIVE_INFINITY, () -> Double.NEGATIVE_INFINITY,
        () -> -1.0);
    hostile(float.class, () -> Float.NaN, () -> Float.POSITIVE_INFINITY);
    hostile(String.class, () -> "");
  }

  /**
   * Valid arguments of type {@code type}, each a fresh one each call as methods may change it. Each method is given
   * the first combination of them it returns with (an enum's constants are its valid values unless given).
   */
  @SafeVarargs
  public final <T> HostileCalls valid(Class<T> type, Supplier<? extends T>... values) {
    valid.put(type, List.copyOf(Arrays.asList(values)));
    return this;
  }

  /** Hostile arguments of type {@code type}, besides null, each tried in every position of that type. */
  @SafeVarargs
  public final <T> HostileCalls hostile(Class<T> type, Supplier<? extends T>... values) {
    hostile.computeIfAbsent(type, t -> new ArrayList<>()).addAll(Arrays.asList(values));
    return this;
  }

  /**
   * Instances whose methods are called when sweeping {@code type}, each in turn: a fresh one each call. An enum's
   * are its constants unless given.
   */
  @SafeVarargs
  public final <T> HostileCalls receivers(Class<T> type, Supplier<? extends T>... instances) {
    receivers.computeIfAbsent(type, t -> new ArrayList<>()).addAll(Arrays.asList(instances));
    return this;
  }

  /**
   * A method not called — one with an effect outside the process, such as a download, or whose hostile values are
   * legitimately slow — every overload, or only the one taking {@code parameters} when they are given.
   */
  public HostileCalls skip(Class<?> type, String method, Class<?>... parameters) {
    skipped.add(type.getName() + "." + method + (parameters.length == 0 ? "" : Arrays.toString(parameters)));
    return this;
  }

  /**
   * Argument types that only the framework hands to a method — a kind's field writer, its layer context, an engine's
   * kernels — never a user: given valid, never varied.
   */
  public HostileCalls supplied(Class<?>... types) {
    supplied.addAll(Arrays.asList(types));
    return this;
  }

  /** Calls every public constructor and method of each type as described above. */
  public HostileCalls sweep(Class<?>... types) {
    for (Class<?> type : types) {
      for (Constructor<?> c : type.getConstructors()) {
        sweep(type, c);
      }
      for (Method m : type.getMethods()) {
        if (!m.isSynthetic() && !m.isBridge() && m.getDeclaringClass().getName().startsWith("org.delta4j.")
            && !OBJECT_METHODS.contains(m.getName()) && !skipped.contains(type.getName() + "." + m.getName())
            && !skipped.contains(type.getName() + "." + m.getName() + Arrays.toString(m.getParameterTypes()))
            && !(type.isEnum() && m.getName().equals("valueOf"))) {
          sweep(type, m);
        }
      }
    }
    return this;
  }

  /** The calls that failed badly, one a line, each with its arguments and what it threw. */
  public List<String> problems() {
    return List.copyOf(problems);
  }

  /** The calls not made as no receiver or valid argument is known for them. */
  public List<String> uncovered() {
    return List.copyOf(uncovered);
  }

  /** How many calls were made. */
  public int calls() {
    return calls;
  }

  private void sweep(Class<?> type, Executable e) {
    boolean instance = e instanceof Method m && !Modifier.isStatic(m.getModifiers());
    if (instance && type.isEnum() && !receivers.containsKey(type)) {
      for (Object constant : type.getEnumConstants()) {
        receivers.computeIfAbsent(type, t -> new ArrayList<>()).add(() -> constant);
      }
    }
    if (instance && !receivers.containsKey(type)) {
      uncovered.add(describe(type, e) + ": no " + type.getSimpleName() + " to call it on");
      return;
    }
    Class<?>[] parameters = e.getParameterTypes();
    if (parameters.length == 0) {
      return;
    }
    List<List<Supplier<?>>> candidates = new ArrayList<>();
    for (Class<?> parameter : parameters) {
      List<Supplier<?>> valid = validFor(parameter);
      if (valid.isEmpty()) {
        uncovered.add(describe(type, e) + ": no valid " + parameter.getSimpleName());
        return;
      }
      candidates.add(valid);
    }
    List<Supplier<?>> receiverList = instance ? receivers.get(type) : List.of(() -> null);
    List<Supplier<?>> others = calibrated(e, receiverList.get(0), candidates);
    if (others == null) {
      uncovered.add(describe(type, e) + ": no valid arguments it takes, so each hostile one is tried beside others "
          + "it may refuse first");
      others = candidates.stream().<Supplier<?>>map(c -> c.get(0)).toList();
    }
    for (int i = 0; i < parameters.length; i++) {
      if (supplied.contains(parameters[i])) {
        continue;
      }
      List<Supplier<?>> values = new ArrayList<>();
      if (!parameters[i].isPrimitive()) {
        values.add(() -> null);
      }
      values.addAll(hostile.getOrDefault(parameters[i], List.of()));
      Class<?> parameter = parameters[i];
      if (parameter.isArray()) {
        values.add(() -> Array.newInstance(parameter.getComponentType(), 0));
      }
      for (Supplier<?> value : values) {
        for (Supplier<?> receiver : receiverList) {
          Object[] arguments = new Object[parameters.length];
          for (int j = 0; j < parameters.length; j++) {
            arguments[j] = j == i ? value.get() : others.get(j).get();
          }
          call(type, e, receiver.get(), arguments, i);
        }
      }
    }
  }

  /**
   * The first combination of valid candidates (up to {@value #MAX_COMBINATIONS} tried) with which {@code e} returns,
   * so that each hostile argument is tried beside arguments it takes; null when none does.
   */
  private List<Supplier<?>> calibrated(Executable e, Supplier<?> receiver, List<List<Supplier<?>>> candidates) {
    int[] choice = new int[candidates.size()];
    for (int tried = 0; tried < MAX_COMBINATIONS; tried++) {
      List<Supplier<?>> combination = new ArrayList<>();
      for (int j = 0; j < choice.length; j++) {
        combination.add(candidates.get(j).get(choice[j]));
      }
      if (returns(e, receiver.get(), combination.stream().map(Supplier::get).toArray())) {
        return combination;
      }
      int j = 0; // the next combination, as a mixed-radix counter
      while (j < choice.length && ++choice[j] == candidates.get(j).size()) {
        choice[j++] = 0;
      }
      if (j == choice.length) {
        return null;
      }
    }
    return null;
  }

  private boolean returns(Executable e, Object receiver, Object[] arguments) {
    return run(e, receiver, arguments) == null;
  }

  /** Null when the call returned, else what it threw (unwrapped) or a {@link TimeoutException} past the limit. */
  private Throwable run(Executable e, Object receiver, Object[] arguments) {
    Future<?> result = runner.submit(() -> invoke(e, receiver, arguments));
    try {
      result.get(TIME_LIMIT_MILLIS, TimeUnit.MILLISECONDS);
      return null;
    } catch (TimeoutException timeout) {
      result.cancel(true);
      runner.shutdownNow();
      runner = newRunner();
      return timeout;
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(interrupted);
    } catch (ExecutionException thrown) {
      Throwable cause = thrown.getCause();
      return cause instanceof InvocationTargetException t ? t.getCause() : cause;
    }
  }

  private static Object invoke(Executable e, Object receiver, Object[] arguments) throws Exception {
    e.setAccessible(true);
    return e instanceof Method m ? m.invoke(receiver, arguments) : ((Constructor<?>) e).newInstance(arguments);
  }

  private List<Supplier<?>> validFor(Class<?> type) {
    if (valid.containsKey(type)) {
      return valid.get(type);
    }
    if (type.isEnum()) {
      return Arrays.stream(type.getEnumConstants()).<Supplier<?>>map(c -> () -> c).toList();
    }
    if (type.isArray() && !validFor(type.getComponentType()).isEmpty()) {
      Supplier<?> element = validFor(type.getComponentType()).get(0);
      return List.of(() -> {
        Object array = Array.newInstance(type.getComponentType(), 1);
        Array.set(array, 0, element.get());
        return array;
      });
    }
    return List.of();
  }

  private void call(Class<?> type, Executable e, Object receiver, Object[] arguments, int hostileAt) {
    calls++;
    Throwable thrown = run(e, receiver, arguments);
    String verdict = thrown == null ? null
        : thrown instanceof TimeoutException ? "ran past " + TIME_LIMIT_MILLIS + " ms" : judge(thrown);
    if (verdict != null) {
      problems.add(describe(type, e) + " with argument " + hostileAt + " = " + show(arguments[hostileAt]) + ": "
          + verdict);
    }
  }

  /** Null when {@code t} is a sensible refusal, else what is wrong with it. */
  static String judge(Throwable t) {
    String what = t.getClass().getName() + ": " + t.getMessage() + " at " + (t.getStackTrace().length == 0 ? "?"
        : t.getStackTrace()[0]);
    if (SENSIBLE.stream().noneMatch(s -> s.isInstance(t)) || t instanceof ArrayIndexOutOfBoundsException
        || t instanceof StringIndexOutOfBoundsException) {
      return "threw " + what;
    }
    if (t.getMessage() == null || t.getMessage().isBlank()) {
      return "threw without a message " + what;
    }
    if (t instanceof NullPointerException && t.getMessage().contains(" because ")) {
      return "dereferenced null " + what;
    }
    // the first frame past Objects.requireNonNull and its kin is the code that refused the value
    StackTraceElement origin = Arrays.stream(t.getStackTrace())
        .filter(f -> !f.getClassName().equals(Objects.class.getName())).findFirst().orElse(null);
    if (!(t instanceof java.io.IOException) && !(t instanceof java.io.UncheckedIOException) && origin != null
        && !origin.getClassName().startsWith("org.delta4j.")) {
      return "threw from inside " + what;
    }
    return null;
  }

  private static String describe(Class<?> type, Executable e) {
    return type.getSimpleName() + "." + (e instanceof Constructor ? "<init>" : e.getName()) + Arrays.stream(
        e.getParameterTypes()).map(Class::getSimpleName).toList().toString().replace('[', '(').replace(']', ')');
  }

  private static String show(Object argument) {
    if (argument == null || !argument.getClass().isArray()) {
      return String.valueOf(argument);
    }
    return argument.getClass().getComponentType().getSimpleName() + "[" + Array.getLength(argument) + "]";
  }

  private static ExecutorService newRunner() {
    return Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "hostile-call");
      t.setDaemon(true);
      return t;
    });
  }
}
