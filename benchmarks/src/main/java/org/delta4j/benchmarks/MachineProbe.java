package org.delta4j.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.delta4j.benchmarks.report.Blas;
import org.delta4j.benchmarks.report.CorePlacement;
import org.delta4j.benchmarks.report.Machine;
import org.delta4j.engine.Engines;
import org.delta4j.engine.ref.gemm.MatrixMultiply;
import org.delta4j.io.AtomicFiles;

/**
 * Records the machine a JVM benchmark run measures (see {@link Machine}): the CPU, the cores this JVM may use, the
 * reference engine's gemm as chosen here and the JVM's vector width, and with {@code --nd4j}, after ND4J has loaded
 * and multiplied, the BLAS libraries mapped into the process with the OpenBLAS build and the core type it chose.
 * {@code benchmarks/run} writes one beside each JMH results file, in the same environment.
 * Usage: {@code MachineProbe [--nd4j] [--out FILE]}; or {@code MachineProbe --cores}, which times the cache line between
 * the cores once for each line read from standard input (see {@link #cacheLineBetweenCoresNanos}).
 */
public final class MachineProbe {
  private MachineProbe() {}

  public static void main(String[] args) throws IOException {
    if (List.of(args).contains("--cores")) {
      servePlacement();
      return;
    }
    boolean nd4j = List.of(args).contains("--nd4j");
    int out = List.of(args).indexOf("--out");
    String json = probe(nd4j).toJson().toPrettyString() + "\n";
    if (out >= 0 && out + 1 < args.length) {
      AtomicFiles.writeString(Path.of(args[out + 1]), json);
    } else {
      System.out.print(json);
    }
    System.exit(0); // ND4J leaves non-daemon threads behind
  }

  /**
   * For a peer outside the JVM (the PyTorch peer times its rounds between probes): for each line read from standard
   * input, one line of {@link #cacheLineBetweenCoresNanos} over 40 ms ("NaN" when it could not tell) and the
   * {@link CorePlacement} of the time since the previous probe, as the report will judge it ("32.5 near cores"), until
   * the input ends. The peer times rounds until it has some in each placement, and needs the report's rule to know.
   */
  private static void servePlacement() throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    double previous = Double.NaN;
    while (in.readLine() != null) {
      double nanos = cacheLineBetweenCoresNanos(40);
      System.out.println(nanos + " " + CorePlacement.of(previous, nanos));
      System.out.flush();
      previous = nanos;
    }
  }

  /** Round trips timed together by {@link #cacheLineBetweenCoresNanos}: some microseconds' worth. */
  private static final int WINDOW = 64;
  /**
   * Attempts of {@link #cacheLineBetweenCoresNanos}, each with threads of its own: a scheduler that put the two
   * threads on one core beside a busy one may keep them there for a whole attempt, and is unlikely to in all.
   */
  private static final int ATTEMPTS = 8;

  /**
   * How long a cache line takes to pass from one core to another, in nanoseconds one way: two threads hand a counter
   * back and forth for about {@code millis} ms, each waiting for the other's increment, timed {@value #WINDOW} round
   * trips at a time in {@value #ATTEMPTS} attempts; the fastest such window counts, so that one in which the system
   * ran another thread on either core (a JIT compiler, a BLAS thread spinning) does not. About 30-40 ns between two
   * cores of one L3 (one AMD core complex), 100-200 ns between two L3s or sockets; on a virtual machine it tells which
   * the host placed the cores on at that moment, which moves every step that hands work between them. NaN on one
   * core, or when no window was completed in time.
   */
  static double cacheLineBetweenCoresNanos(long millis) {
    if (Runtime.getRuntime().availableProcessors() < 2) {
      return Double.NaN;
    }
    long fastest = Long.MAX_VALUE;
    for (int i = 0; i < ATTEMPTS; i++) {
      fastest = Math.min(fastest, attempt(millis / ATTEMPTS));
    }
    return fastest == Long.MAX_VALUE ? Double.NaN : fastest / (2.0 * WINDOW);
  }

  /**
   * One attempt of {@link #cacheLineBetweenCoresNanos}: two new threads, an asking and an answering one, which the
   * scheduler places anew, and round trips for {@code millis} ms; the nanoseconds of the fastest window, or
   * {@link Long#MAX_VALUE} if none was completed. Neither is the caller's thread, which first sleeps a millisecond: a
   * scheduler that put both threads of an attempt on one core, other threads busy on the other, keeps them there as
   * long as the cores are equally busy, and would keep the caller's next thread beside the caller; with the caller
   * asleep and the attempt's threads ended its core falls idle and takes work over from the busier one.
   */
  private static long attempt(long millis) {
    try {
      Thread.sleep(1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Long.MAX_VALUE;
    }
    AtomicLong counter = new AtomicLong();
    Thread other = new Thread(() -> { // answers each odd value with the next even one, until told to stop (−1)
      int spins = 0;
      for (long v = counter.get(); v >= 0; v = counter.get()) {
        if ((v & 1) == 1) {
          counter.compareAndSet(v, v + 1); // never over the stop signal
          spins = 0;
        } else {
          spin(++spins);
        }
      }
    }, "cache-line probe");
    AtomicLong fastest = new AtomicLong(Long.MAX_VALUE);
    Thread asker = new Thread(() -> {
      fastest.set(fastestWindow(counter, System.nanoTime() + millis * 1_000_000));
      counter.set(-1); // the other thread's signal to stop
    }, "cache-line probe");
    for (Thread t : new Thread[] {other, asker}) {
      t.setDaemon(true);
      t.start();
    }
    try {
      asker.join(millis + 1_000);
      counter.set(-1); // should the asker not have ended in time
      other.join(1_000);
    } catch (InterruptedException e) {
      counter.set(-1);
      Thread.currentThread().interrupt();
    }
    return fastest.get();
  }

  /**
   * One turn of a wait for the other thread. After some microseconds of waiting the core is given up now and then: the
   * other thread may be waiting for this very core, and its answer would otherwise come only when the scheduler
   * preempts the waiter, a tick later. A window with such a wait is slow and not the one that counts.
   */
  private static void spin(int spins) {
    if ((spins & 0x3ff) == 0) {
      Thread.yield();
    } else {
      Thread.onSpinWait();
    }
  }

  /**
   * Hands the counter to the other thread and waits for its answer, {@value #WINDOW} times a window, until the
   * deadline; the nanoseconds of the fastest window completed, or {@link Long#MAX_VALUE} if none was.
   */
  private static long fastestWindow(AtomicLong counter, long deadline) {
    long fastest = Long.MAX_VALUE;
    long sent = 1;
    for (long start = System.nanoTime(); start < deadline; ) {
      for (int i = 0; i < WINDOW; i++, sent += 2) {
        counter.set(sent);
        for (int spins = 1; counter.get() == sent; spins++) {
          spin(spins);
          if ((spins & 0xffff) == 0 && System.nanoTime() >= deadline) { // rarely: a clock read takes some 20 ns
            return fastest;
          }
        }
      }
      long end = System.nanoTime();
      fastest = Math.min(fastest, end - start);
      start = end;
    }
    return fastest;
  }

  /** The machine as this JVM sees it; with {@code nd4j}, ND4J is loaded first and its BLAS recorded. */
  static Machine probe(boolean nd4j) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("memory", memTotal());
    settings.put("Java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    settings.put("reference gemm", MatrixMultiply.get().description());
    if (MatrixMultiply.vectorApi()) {
      settings.put("JVM vector width", jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize() + " bits");
    }
    double line = cacheLineBetweenCoresNanos(200);
    if (!Double.isNaN(line)) {
      settings.put(Machine.CACHE_LINE_BETWEEN_CORES, String.format(java.util.Locale.ROOT, "%.0f ns one way", line));
    }
    String held = System.getenv("DELTA4J_VECTORS");
    if (held != null && !held.isBlank()) {
      // benchmarks/run --vectors: this JVM runs with -XX:UseAVX held down to match, as "JVM vector width" shows
      settings.put(Machine.VECTORS_HELD_TO, held.trim());
    }
    for (String v : new String[] {"OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS",
        "OMP_WAIT_POLICY"}) {
      if (System.getenv(v) != null) {
        settings.put(v, System.getenv(v));
      }
    }
    List<Blas> blas = new ArrayList<>();
    if (nd4j) {
      Engines.get("nd4j"); // loads ND4J under the engine's thread settings, and multiplies two small matrices
      String config = "";
      String core = "";
      try {
        String[] answer = (String[]) Class.forName(MachineProbe.class.getPackageName() + ".OpenBlasQuery")
            .getDeclaredMethod("configAndCore").invoke(null);
        config = answer[0];
        core = answer[1];
        settings.put("OpenBLAS threads", answer[2]);
      } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        settings.put("OpenBLAS query", "failed: " + cause);
      }
      for (String lib : Machine.blasLibraries(Machine.mappedFilesHere())) {
        Blas b = Blas.of(real(lib), "", "");
        blas.add(b.kind() == Blas.Kind.OPENBLAS ? Blas.of(b.library(), config, core) : b);
      }
    }
    return new Machine(Machine.cpuinfoHere(), Runtime.getRuntime().availableProcessors(), blas, settings);
  }

  private static String memTotal() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal")) {
          long kib = Long.parseLong(line.replaceAll("\\D", ""));
          return String.format(java.util.Locale.ROOT, "%.1f GiB", kib / 1024.0 / 1024.0);
        }
      }
    } catch (IOException | NumberFormatException e) {
      return "unknown";
    }
    return "unknown";
  }

  private static String real(String file) {
    try {
      return Path.of(file).toRealPath().toString();
    } catch (IOException e) {
      return file;
    }
  }
}
