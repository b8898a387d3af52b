package org.delta4j.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
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
import java.util.function.Function;
import java.util.function.Supplier;
import org.delta4j.io.ModelFiles;
import org.delta4j.nn.Network;

/**
 * Calls every public constructor and method of a type with one hostile argument at a time — null in each reference
 * position, and each of the hostile values registered for the parameter's type — the others valid, and collects the
 * calls that fail badly. A call may return, or throw {@link IllegalArgumentException}, {@link IllegalStateException},
 * {@link NullPointerException}, {@link IndexOutOfBoundsException}, {@link UnsupportedOperationException} or an
 * {@link IOException} with a message, thrown from Delta4j's own code. It fails badly when it throws anything
 * else (an array index, class cast, negative array size or arithmetic exception, an error such as running out of
 * memory), a null message, a message the JVM wrote for a null dereference, an exception the JDK threw from deep
 * inside, or when it runs past its time limit; or, for a method said to be {@linkplain #refusing refusing}, when it
 * returns. An enum's {@code valueOf} keeps the JDK's contract and is not called.
 */
public final class HostileCalls {
  private static final long TIME_LIMIT_MILLIS = 5_000;
  private static final Set<String> OBJECT_METHODS = Set.of("equals", "hashCode", "toString", "getClass", "wait",
      "notify", "notifyAll");
  private static final List<Class<? extends Throwable>> SENSIBLE = List.of(IllegalArgumentException.class,
      IllegalStateException.class, NullPointerException.class, IndexOutOfBoundsException.class,
      UnsupportedOperationException.class, IOException.class, UncheckedIOException.class);

  private static final int MAX_COMBINATIONS = 64;
  /** The reason given for a call not made as it takes a {@linkplain #supplied supplied} type none is given of. */
  public static final String SUPPLIED_ONLY = "which only the framework supplies";
  private static final String DELTA4J = "org.delta4j";

  /** A model file of {@code network} in a folder of its own below {@code directory}: a valid path for a call to read. */
  public static Path savedModel(Path directory, Network network) {
    try {
      Path file = Files.createTempDirectory(directory, "model").resolve("model");
      ModelFiles.save(network, file);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private final Map<Class<?>, List<Supplier<?>>> valid = new HashMap<>();
  private final Map<Class<?>, List<Supplier<?>>> hostile = new HashMap<>();
  private final Map<Class<?>, List<Supplier<?>>> receivers = new HashMap<>();
  private final Map<Class<?>, List<Supplier<?>>> hostileReceivers = new HashMap<>();
  private final Map<String, List<Function<Object, Object[]>>> working = new HashMap<>();
  private final Map<String, List<Function<Object, Object[]>>> hostileArguments = new HashMap<>();
  private final Set<String> refusing = new LinkedHashSet<>();
  private final Set<String> skipped = new LinkedHashSet<>();
  private final Set<Class<?>> supplied = new LinkedHashSet<>();
  private final Set<String> problems = new LinkedHashSet<>();
  private final Set<String> uncovered = new LinkedHashSet<>();
  private ExecutorService runner = newRunner();
  private int calls;
  /** The package (with those under it) whose refusals are the code under test's, beside Delta4j's. */
  private String ownPackage = DELTA4J;

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
   * Counts a refusal thrown from {@code type}'s package (and those under it) as one of the code under test, as one
   * from Delta4j's is: a third-party engine's own checks.
   */
  public HostileCalls own(Class<?> type) {
    this.ownPackage = type.getPackageName();
    return this;
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
   * Instances in a state in which some of their methods must refuse to run — a layer before its forward pass —: each
   * method is called on them with the working arguments it returns with on the {@linkplain #receivers receivers},
   * and judged as for a hostile argument.
   */
  @SafeVarargs
  public final <T> HostileCalls hostileReceivers(Class<T> type, Supplier<? extends T>... instances) {
    hostileReceivers.computeIfAbsent(type, t -> new ArrayList<>()).addAll(Arrays.asList(instances));
    return this;
  }

  /**
   * Working arguments for {@code method} of {@code type} ({@code "<init>"} for its constructors), for the overloads
   * they fit, made for the receiver they are given (null for a static method or a constructor): a method whose
   * arguments must fit one another or the receiver, such as a gradient of a layer's output shape, returns with them
   * where the type-wide valid candidates would all be refused. They are tried before those candidates.
   */
  @SuppressWarnings("unchecked")
  public <T> HostileCalls working(Class<T> type, String method, Function<? super T, Object[]> arguments) {
    working.computeIfAbsent(type.getName() + "." + method, k -> new ArrayList<>())
        .add(receiver -> arguments.apply((T) receiver));
    return this;
  }

  /**
   * Hostile arguments for {@code method} of {@code type} as a whole, made for the receiver they are given, for the
   * overloads they fit: arguments that are hostile only together or to the receiver, such as a gradient of a layer's
   * output shape in another data type. Judged as a single hostile argument.
   */
  @SuppressWarnings("unchecked")
  public <T> HostileCalls hostileArguments(Class<T> type, String method, Function<? super T, Object[]> arguments) {
    hostileArguments.computeIfAbsent(type.getName() + "." + method, k -> new ArrayList<>())
        .add(receiver -> arguments.apply((T) receiver));
    return this;
  }

  /**
   * Methods that must refuse every hostile argument and every {@linkplain #hostileReceivers hostile receiver}, not
   * return: those for which returning would be a silent wrong result, such as a layer's backward pass given a
   * gradient of another shape than its output's.
   */
  public HostileCalls refusing(Class<?> type, String method) {
    refusing.add(type.getName() + "." + method);
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
    List<Function<Object, Object[]>> sources = new ArrayList<>(working.getOrDefault(key(type, e), List.of()));
    List<List<Supplier<?>>> candidates = new ArrayList<>();
    for (Class<?> parameter : parameters) {
      List<Supplier<?>> valid = validFor(parameter);
      if (valid.isEmpty() && sources.isEmpty()) {
        uncovered.add(describe(type, e) + ": no valid " + parameter.getSimpleName() + (supplied.contains(parameter)
            ? ", " + SUPPLIED_ONLY : ""));
        return;
      }
      candidates.add(valid);
    }
    // when no arguments return, each hostile one is tried beside the valid candidates' first, else the first working
    List<Function<Object, Object[]>> combinations = candidates.stream().anyMatch(List::isEmpty) ? List.of()
        : combinations(candidates);
    Function<Object, Object[]> fallback = combinations.isEmpty() ? sources.get(0) : combinations.get(0);
    sources.addAll(combinations);
    List<Supplier<?>> receiverList = instance ? receivers.get(type) : List.of(() -> null);
    // each receiver is given the first arguments it returns with, or else those another returns with
    List<Function<Object, Object[]>> others = new ArrayList<>();
    for (Supplier<?> receiver : receiverList) {
      others.add(calibrated(e, receiver, sources));
    }
    Function<Object, Object[]> returning = others.stream().filter(Objects::nonNull).findFirst().orElse(null);
    if (returning == null) {
      uncovered.add(describe(type, e) + ": no valid arguments it takes, so each hostile one is tried beside others "
          + "it may refuse first");
      returning = fallback;
    }
    boolean mustRefuse = refusing.contains(key(type, e));
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
        for (int r = 0; r < receiverList.size(); r++) {
          Object receiver = receiverList.get(r).get();
          Object[] arguments = (others.get(r) == null ? returning : others.get(r)).apply(receiver);
          arguments[i] = value.get();
          call(type, e, receiver, arguments, "argument " + i + " = " + show(arguments[i]) + on(receiver), mustRefuse);
        }
      }
    }
    for (Function<Object, Object[]> source : hostileArguments.getOrDefault(key(type, e), List.of())) {
      for (Supplier<?> receiver : receiverList) {
        Object r = receiver.get();
        Object[] arguments = source.apply(r);
        if (fits(e, arguments)) {
          call(type, e, r, arguments, "arguments " + Arrays.stream(arguments).map(HostileCalls::show).toList()
              + on(r), mustRefuse);
        }
      }
    }
    if (instance) {
      for (Supplier<?> receiver : hostileReceivers.getOrDefault(type, List.of())) {
        Object r = receiver.get();
        call(type, e, r, returning.apply(r), "receiver " + r, mustRefuse);
      }
    }
  }

  private String key(Class<?> type, Executable e) {
    return type.getName() + "." + (e instanceof Constructor ? "<init>" : e.getName());
  }

  /**
   * The combinations of valid candidates, the first of each parameter's first, up to {@value #MAX_COMBINATIONS}, as
   * argument makers that ignore the receiver.
   */
  private static List<Function<Object, Object[]>> combinations(List<List<Supplier<?>>> candidates) {
    List<Function<Object, Object[]>> combinations = new ArrayList<>();
    int[] choice = new int[candidates.size()];
    while (combinations.size() < MAX_COMBINATIONS) {
      List<Supplier<?>> combination = new ArrayList<>();
      for (int j = 0; j < choice.length; j++) {
        combination.add(candidates.get(j).get(choice[j]));
      }
      combinations.add(receiver -> combination.stream().map(Supplier::get).toArray());
      int j = 0; // the next combination, as a mixed-radix counter
      while (j < choice.length && ++choice[j] == candidates.get(j).size()) {
        choice[j++] = 0;
      }
      if (j == choice.length) {
        break;
      }
    }
    return combinations;
  }

  /**
   * The first of {@code sources} whose arguments {@code e} returns with on a receiver from {@code receiver} (up to
   * {@value #MAX_COMBINATIONS} tried), so that each hostile argument is tried beside arguments it takes; null when none
   * is. Arguments that do not fit {@code e}'s parameters, or cannot be made for the receiver, are passed over.
   */
  private Function<Object, Object[]> calibrated(Executable e, Supplier<?> receiver,
      List<Function<Object, Object[]>> sources) {
    for (Function<Object, Object[]> source : sources.subList(0, Math.min(sources.size(), MAX_COMBINATIONS))) {
      Object r = receiver.get();
      Object[] arguments;
      try {
        arguments = source.apply(r);
      } catch (RuntimeException notForThisReceiver) { // such as a data set of classes for a regression network
        continue;
      }
      if (fits(e, arguments) && returns(e, r, arguments)) {
        return source;
      }
    }
    return null;
  }

  private static boolean fits(Executable e, Object[] arguments) {
    Class<?>[] parameters = e.getParameterTypes();
    if (arguments.length != parameters.length) {
      return false;
    }
    for (int j = 0; j < parameters.length; j++) {
      Class<?> boxed = parameters[j].isPrimitive() ? Array.get(Array.newInstance(parameters[j], 1), 0).getClass()
          : parameters[j];
      if (arguments[j] == null ? parameters[j].isPrimitive() : !boxed.isInstance(arguments[j])) {
        return false;
      }
    }
    return true;
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

  private void call(Class<?> type, Executable e, Object receiver, Object[] arguments, String hostility,
      boolean mustRefuse) {
    calls++;
    Throwable thrown = run(e, receiver, arguments);
    String verdict = thrown == null ? (mustRefuse ? "returned" : null)
        : thrown instanceof TimeoutException ? "ran past " + TIME_LIMIT_MILLIS + " ms" : judge(thrown, ownPackage);
    if (verdict != null) {
      problems.add(describe(type, e) + " with " + hostility + ": " + verdict);
    }
  }

  /**
   * Null when {@code t} is a sensible refusal, else what is wrong with it: one of the expected kinds, with a message,
   * thrown by Delta4j or by the code in {@code ownPackage} (a third-party engine's), not from inside a library.
   */
  static String judge(Throwable t, String ownPackage) {
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
    if (!(t instanceof IOException) && !(t instanceof UncheckedIOException) && origin != null
        && !within(origin.getClassName(), DELTA4J) && !within(origin.getClassName(), ownPackage)) {
      return "threw from inside " + what;
    }
    return null;
  }

  /** Whether the class named {@code className} is in package {@code pkg} or one under it. */
  private static boolean within(String className, String pkg) {
    String own = className.lastIndexOf('.') < 0 ? "" : className.substring(0, className.lastIndexOf('.'));
    return own.equals(pkg) || own.startsWith(pkg + ".");
  }

  private static String describe(Class<?> type, Executable e) {
    return type.getSimpleName() + "." + (e instanceof Constructor ? "<init>" : e.getName()) + Arrays.stream(
        e.getParameterTypes()).map(Class::getSimpleName).toList().toString().replace('[', '(').replace(']', ')');
  }

  /** Which of a type's receivers a call was made on, when it has several: its class. */
  private String on(Object receiver) {
    return receiver == null ? "" : " on a " + receiver.getClass().getSimpleName();
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
