package org.delta4j.spark;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.filter.LevelRangeFilter;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkContext$;
import org.apache.spark.SparkException;
import org.apache.spark.internal.config.package$;
import org.apache.spark.rpc.RpcAddress;
import org.apache.spark.rpc.RpcEnv;
import org.apache.spark.rpc.RpcEnv$;
import org.apache.spark.scheduler.ExternalClusterManager;
import org.apache.spark.sql.SparkSession;
import scala.Option;

/**
 * Spark sessions for a master URL that fail fast: before Spark starts, the URL must be one Spark can start on ({@link
 * #checkUrl}: {@code local[0]}, {@code local[abc]}, and {@code yarn}, {@code k8s://} or {@code mesos://} where Spark's
 * module for it is missing, as in this module's own launcher {@code spark/train}, are errors naming the URL), a {@code
 * spark://} master (one of an HA list) must answer as a standalone master, and a {@code k8s://} API server accept a
 * TCP connection, within a timeout, so a wrong URL is an error naming it within seconds instead of Spark's minute of
 * retries; a {@code yarn} ResourceManager, found through Hadoop's configuration, is left to Spark. Stateless.
 */
public final class SparkMasters {
  /** How long a master gets to accept a connection and answer. */
  public static final Duration TIMEOUT = Duration.ofSeconds(3);

  private SparkMasters() {}

  /**
   * A session on {@code master} named {@code appName}, once the URL is known to be one Spark can start on ({@link
   * #checkUrl}) and the master to be reachable. Spark's log of a context that failed to start (an error and its stack
   * trace) is held back while it starts: the exception thrown says it.
   *
   * @throws IllegalArgumentException for a URL Spark cannot parse or start on, naming it and the forms it takes
   */
  public static SparkSession session(String master, String appName) {
    checkUrl(master);
    checkReachable(master, TIMEOUT);
    try {
      return withoutStartFailureLog(() -> SparkSession.builder().master(master).appName(appName).getOrCreate());
    } catch (Exception e) { // Spark's SparkException is checked, though Scala does not declare it
      if (e instanceof SparkException && String.valueOf(e.getMessage()).startsWith("Could not parse Master URL")) {
        throw unknown(master, e);
      }
      if (e instanceof SparkException) { // a master Spark parses but cannot run on
        throw new IllegalArgumentException("Spark master '" + master + "': " + e.getMessage(), e);
      }
      if (e instanceof IllegalArgumentException) { // Spark's own checks of its settings ("requirement failed: …")
        throw new IllegalArgumentException("cannot start Spark on master '" + master + "': " + e.getMessage(), e);
      }
      throw e;
    }
  }

  private static final Pattern LOCAL_N = Pattern.compile("local\\[([0-9]+|\\*)\\]");
  private static final Pattern LOCAL_N_FAILURES = Pattern.compile("local\\[([0-9]+|\\*)\\s*,\\s*([0-9]+)\\]");
  private static final Pattern LOCAL_CLUSTER = Pattern.compile(
      "local-cluster\\[\\s*([0-9]+)\\s*,\\s*([0-9]+)\\s*,\\s*([0-9]+)\\s*]");

  /**
   * Refuses, before Spark starts, a master URL that Spark's context would refuse as it starts, naming it: a {@code
   * local} form of no thread or not a number ({@code local[0]}, {@code local[abc]}), a {@code local-cluster} whose
   * workers have less memory than an executor asks for, and a URL no cluster manager on the class path takes
   * ({@code yarn}, {@code k8s://}, {@code mesos://} without Spark's module for it). The forms are Spark 3.5's own
   * ({@code SparkContext.createTaskScheduler}).
   *
   * @throws IllegalArgumentException naming the URL and what is wrong with it
   */
  public static void checkUrl(String master) {
    if (master == null || master.isBlank()) {
      throw new IllegalArgumentException("no Spark master URL given (local[*], spark://host:7077, yarn, k8s://…)");
    }
    if (master.equals("local") || master.startsWith("spark://")) { // a standalone master: see checkReachable
      return;
    }
    Matcher m = LOCAL_N.matcher(master);
    if (!m.matches()) {
      m = LOCAL_N_FAILURES.matcher(master);
    }
    if (m.matches()) {
      if (!m.group(1).equals("*") && count(master, m.group(1)) < 1) {
        throw new IllegalArgumentException("Spark master '" + master + "' runs tasks on " + m.group(1) + " threads: "
            + "give local[N] with N at least 1, or local[*] for every core");
      }
      return;
    }
    m = LOCAL_CLUSTER.matcher(master);
    if (m.matches()) {
      long workers = count(master, m.group(1));
      long cores = count(master, m.group(2));
      long memory = count(master, m.group(3));
      int executor = SparkContext$.MODULE$.executorMemoryInMb(new SparkConf());
      if (workers < 1 || cores < 1 || memory < executor) {
        throw new IllegalArgumentException("Spark master '" + master + "' starts " + workers + " workers of "
            + cores + (cores == 1 ? " core and " : " cores and ") + memory + " MiB each, but every worker needs at "
            + "least 1 core and the " + executor + " MiB of an executor (spark.executor.memory)");
      }
      return;
    }
    ClassLoader loader = Thread.currentThread().getContextClassLoader() != null
        ? Thread.currentThread().getContextClassLoader() : SparkContext.class.getClassLoader();
    for (ExternalClusterManager manager : ServiceLoader.load(ExternalClusterManager.class, loader)) {
      if (manager.canCreate(master)) {
        return;
      }
    }
    throw unknown(master, null);
  }

  /** A count in a master URL, refused naming the URL when an int cannot hold it, as Spark's parse would fail. */
  private static long count(String master, String digits) {
    long v = digits.length() > 10 ? Long.MAX_VALUE : Long.parseLong(digits);
    if (v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("Spark master '" + master + "' has " + digits + " where it takes a count "
          + "up to " + Integer.MAX_VALUE);
    }
    return v;
  }

  /** The error for a URL that no cluster manager here takes: one of a Spark module that is missing, or none. */
  private static IllegalArgumentException unknown(String master, Exception cause) {
    String module = master.equals("yarn") ? "spark-yarn" : master.startsWith("k8s://") ? "spark-kubernetes"
        : master.startsWith("mesos://") ? "spark-mesos" : null;
    return new IllegalArgumentException(module != null
        ? "Spark master '" + master + "' needs Spark's " + module + " module, which is not on the class path: "
            + "run the program with a Spark distribution's spark-submit, whose jars hold it"
        : "Spark master '" + master + "' is no master URL Spark knows: local[N], local[*], spark://host:port, "
            + "yarn or k8s://host:port", cause);
  }

  /**
   * {@code start}'s session, with Spark's own log of a failed start (SparkContext's "Error initializing
   * SparkContext." and its stack trace, the metrics system's note that it was not running) held back meanwhile, where
   * Spark logs through Log4j 2; the caller reports the failure in one line. Other messages pass.
   */
  private static SparkSession withoutStartFailureLog(java.util.function.Supplier<SparkSession> start) {
    Runnable undo;
    try {
      undo = StartFailureFilter.install();
    } catch (LinkageError | RuntimeException e) { // another logging backend: Spark's log stays as it is
      undo = () -> {};
    }
    try {
      return start.get();
    } finally {
      undo.run();
    }
  }

  /**
   * Denies, on the loggers of SparkContext and of Spark's metrics system, what they log when a context fails to start:
   * an error, and a warning of the metrics system.
   */
  private static final class StartFailureFilter {
    private static final Map<String, Level> DENIED = Map.of("org.apache.spark.SparkContext", Level.ERROR,
        "org.apache.spark.metrics.MetricsSystem", Level.WARN);

    /** Adds the filters to Log4j 2's running configuration and returns what removes them. */
    static Runnable install() {
      if (!(LogManager.getContext(false) instanceof LoggerContext context)) {
        return () -> {};
      }
      org.apache.logging.log4j.core.config.Configuration config = context.getConfiguration();
      List<Runnable> undo = new ArrayList<>();
      DENIED.forEach((name, level) -> {
        LoggerConfig existing = config.getLoggerConfig(name);
        boolean own = existing.getName().equals(name);
        LoggerConfig logger = own ? existing : new LoggerConfig(name, null, true);
        if (!own) {
          config.addLogger(name, logger);
        }
        Filter filter = LevelRangeFilter.createFilter(Level.ERROR, level, Filter.Result.DENY, Filter.Result.NEUTRAL);
        logger.addFilter(filter);
        undo.add(() -> {
          logger.removeFilter(filter);
          if (!own) {
            config.removeLogger(name);
          }
        });
      });
      context.updateLoggers();
      return () -> {
        undo.forEach(Runnable::run);
        context.updateLoggers();
      };
    }
  }

  /**
   * Checks that the master accepts connections.
   *
   * @throws IllegalArgumentException for a malformed URL, naming it
   * @throws IllegalStateException when no address of the master answers within {@code timeout}, naming the URL
   */
  public static void checkReachable(String master, Duration timeout) {
    if (master == null || master.isBlank()) {
      throw new IllegalArgumentException("no Spark master URL given (local[*], spark://host:7077, yarn, k8s://…)");
    }
    List<InetSocketAddress> addresses = addresses(master);
    if (addresses.isEmpty()) {
      return;
    }
    List<String> failures = new ArrayList<>();
    for (InetSocketAddress a : addresses) {
      try (Socket s = new Socket()) {
        s.connect(a, (int) timeout.toMillis());
      } catch (IOException e) {
        failures.add(a.getHostString() + ":" + a.getPort() + " (" + e.getMessage() + ")");
        continue;
      }
      String notAMaster = master.startsWith("spark://") ? notAMaster(a, timeout) : null;
      if (notAMaster == null) {
        return;
      }
      failures.add(a.getHostString() + ":" + a.getPort() + " (" + notAMaster + ")");
    }
    throw new IllegalStateException("cannot reach the Spark master " + master + " within " + timeout.toSeconds()
        + " s: " + String.join(", ", failures));
  }

  /**
   * Why the listener at {@code a} is no standalone master, or null when it is: a connection alone also opens to the
   * master's web UI, or any other server, where Spark's registration then retried for a minute and stopped the context
   * it had returned. Asks the address for the master's RPC endpoint as Spark's own client does, on an RPC environment
   * of the JVM's Spark configuration (so a cluster's authentication settings hold) in client mode, which listens on
   * no port.
   */
  private static String notAMaster(InetSocketAddress a, Duration timeout) {
    SparkConf conf = new SparkConf().set("spark.rpc.lookupTimeout", timeout.toMillis() + "ms");
    RpcEnv env = RpcEnv$.MODULE$.create("delta4j-master-check", "localhost", 0, conf,
        new org.apache.spark.SecurityManager(conf, Option.empty(), package$.MODULE$.AUTH_SECRET_FILE()), true);
    try {
      env.setupEndpointRef(new RpcAddress(a.getHostString(), a.getPort()), "Master");
      return null;
    } catch (Exception e) { // Scala throws RpcTimeoutException, a checked TimeoutException, undeclared
      return "it accepts connections but answers as no Spark master, " + (e instanceof TimeoutException
          ? "not within " + timeout.toSeconds() + " s" : e.getMessage()) + ": is it the master's web UI port (8080) "
          + "rather than its own (7077)?";
    } finally {
      env.shutdown();
      env.awaitTermination();
    }
  }

  private static List<InetSocketAddress> addresses(String master) {
    List<InetSocketAddress> out = new ArrayList<>();
    if (master.startsWith("spark://")) {
      for (String hostPort : master.substring("spark://".length()).split(",")) {
        out.add(hostPort(master, hostPort, 7077));
      }
    } else if (master.startsWith("k8s://")) {
      String api = master.substring("k8s://".length());
      URI uri;
      try {
        uri = new URI(api.contains("://") ? api : "https://" + api);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("Spark master " + master + " names no Kubernetes API URL: "
            + e.getMessage(), e);
      }
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("Spark master " + master + " names no Kubernetes API host");
      }
      out.add(InetSocketAddress.createUnresolved(uri.getHost(), uri.getPort() > 0 ? uri.getPort()
          : "http".equals(uri.getScheme()) ? 80 : 443));
    }
    return out.stream().map(a -> new InetSocketAddress(a.getHostString(), a.getPort())).toList();
  }

  private static InetSocketAddress hostPort(String master, String hostPort, int defaultPort) {
    int colon = hostPort.lastIndexOf(':');
    String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
    if (host.isBlank()) {
      throw new IllegalArgumentException("Spark master " + master + " names no host");
    }
    int port;
    try {
      port = colon < 0 ? defaultPort : Integer.parseInt(hostPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Spark master " + master + " has port '" + hostPort.substring(colon + 1)
          + "', not a number");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("Spark master " + master + " has port " + port + ", not a TCP port (1 to "
          + "65535)");
    }
    return InetSocketAddress.createUnresolved(host, port);
  }
}
