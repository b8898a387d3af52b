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
import org.apache.spark.SparkConf;
import org.apache.spark.SparkException;
import org.apache.spark.internal.config.package$;
import org.apache.spark.rpc.RpcAddress;
import org.apache.spark.rpc.RpcEnv;
import org.apache.spark.rpc.RpcEnv$;
import org.apache.spark.sql.SparkSession;
import scala.Option;

/**
 * Spark sessions for a master URL that fail fast: before Spark starts, a {@code spark://} master (one of an HA list)
 * must answer as a standalone master, and a {@code k8s://} API server accept a TCP connection, within a timeout, so a
 * wrong URL is an error naming it within seconds instead of Spark's minute of retries. {@code local…} masters need no
 * check; {@code yarn} is found through Hadoop's configuration and is left to Spark. A URL Spark cannot parse is an
 * error naming it: also {@code yarn} and {@code k8s://} where Spark's spark-yarn or spark-kubernetes module is
 * missing, as in this module's own launcher ({@code spark/train}); a Spark distribution's spark-submit provides them.
 * Stateless.
 */
public final class SparkMasters {
  /** How long a master gets to accept a connection and answer. */
  public static final Duration TIMEOUT = Duration.ofSeconds(3);

  private SparkMasters() {}

  /**
   * A session on {@code master} named {@code appName}, once the master is known to be reachable.
   *
   * @throws IllegalArgumentException for a URL Spark cannot parse, naming it and the forms it takes
   */
  public static SparkSession session(String master, String appName) {
    checkReachable(master, TIMEOUT);
    try {
      return SparkSession.builder().master(master).appName(appName).getOrCreate();
    } catch (Exception e) { // Spark's SparkException is checked, though Scala does not declare it
      if (e instanceof SparkException && String.valueOf(e.getMessage()).startsWith("Could not parse Master URL")) {
        String module = master.equals("yarn") ? "spark-yarn" : master.startsWith("k8s://") ? "spark-kubernetes" : null;
        throw new IllegalArgumentException(module != null
            ? "Spark master '" + master + "' needs Spark's " + module + " module, which is not on the class path: "
                + "run the program with a Spark distribution's spark-submit, whose jars hold it"
            : "Spark master '" + master + "' is no master URL Spark knows: local[N], local[*], spark://host:port, "
                + "yarn or k8s://host:port", e);
      }
      if (e instanceof SparkException) { // a master Spark parses but cannot run on, local[0] say
        throw new IllegalArgumentException("Spark master '" + master + "': " + e.getMessage(), e);
      }
      throw e;
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
