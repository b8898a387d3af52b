package org.delta4j.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where Fashion-MNIST is looked for, in order, and what a user is told when it is nowhere. */
class FashionMnistTest {
  @TempDir
  Path root;

  private Path complete(String name) throws IOException {
    Path d = Files.createDirectories(root.resolve(name));
    for (String f : new String[] {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
        "t10k-labels-idx1-ubyte.gz"}) {
      Files.write(d.resolve(f), new byte[0]);
    }
    return d;
  }

  @Test
  void explicitThenEnvironmentThenSystemThenCache() throws IOException {
    Path explicit = complete("explicit");
    Path env = complete("env");
    Path system = complete("system");
    Path cache = complete("cache");
    Map<String, String> vars = Map.of(FashionMnist.ENVIRONMENT_VARIABLE, env.toString());
    assertEquals(explicit, FashionMnist.locate(explicit, vars::get, system, cache));
    assertEquals(env, FashionMnist.locate(null, vars::get, system, cache));
    assertEquals(system, FashionMnist.locate(null, k -> null, system, cache));
    assertEquals(cache, FashionMnist.locate(null, k -> null, root.resolve("none"), cache));
  }

  @Test
  void nowhereSaysWhereItLookedAndWhatToDo() throws IOException {
    Path partial = Files.createDirectories(root.resolve("partial"));
    Files.write(partial.resolve("train-images-idx3-ubyte.gz"), new byte[0]);
    IOException e = assertThrows(IOException.class, () -> FashionMnist.locate(null,
        Map.of(FashionMnist.ENVIRONMENT_VARIABLE, partial.toString())::get, root.resolve("sys"), root.resolve("c")));
    String m = e.getMessage();
    assertTrue(m.contains(partial + " (missing train-labels-idx1-ubyte[.gz]"), m);
    assertTrue(m.contains(root.resolve("sys") + " (no such directory)"), m);
    assertTrue(m.contains("apt-get install dataset-fashion-mnist") && m.contains("--download"), m);
    IOException explicit = assertThrows(IOException.class, () -> FashionMnist.locate(partial, k -> null,
        root.resolve("sys"), root.resolve("c")));
    assertTrue(explicit.getMessage().contains("does not hold the Fashion-MNIST files"), explicit.getMessage());
    Path file = Files.write(root.resolve("images.gz"), new byte[0]);
    IOException notADirectory = assertThrows(IOException.class, () -> FashionMnist.locate(file, k -> null,
        root.resolve("sys"), root.resolve("c")));
    assertTrue(notADirectory.getMessage().endsWith("(a file, not a directory)"), notADirectory.getMessage());
  }

  @Test
  void partialFilesOfKilledDownloadsAreRemovedAndNothingElse() throws IOException {
    Path cache = Files.createDirectories(root.resolve("cache"));
    for (String name : new String[] {"train-images-idx3-ubyte8311.part", "t10k-labels-idx1-ubyte02.part",
        "t10k-labels-idx1-ubyte.gz", "notes.part"}) {
      Files.write(cache.resolve(name), new byte[] {1});
    }
    FashionMnist.removePartialDownloads(cache);
    try (var files = Files.list(cache)) {
      assertEquals(java.util.List.of("notes.part", "t10k-labels-idx1-ubyte.gz"),
          files.map(f -> f.getFileName().toString()).sorted().toList());
    }
  }

  /**
   * A server that sends more than a file's published size is refused as soon as it has, and nothing of it is left: the
   * download was written to disk to its end before it was verified, so that an address serving without end (a captive
   * portal, a wrong mirror) filled the disk.
   */
  @Test
  void aServerSendingMoreThanAFileHoldsIsRefusedOnceItHas() throws Exception {
    long limit = 64L << 20; // what the server sends at most, should the client read on
    java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
    com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      exchange.sendResponseHeaders(200, 0); // chunked: no length announced
      byte[] zeros = new byte[1 << 16];
      try (var out = exchange.getResponseBody()) {
        while (sent.get() < limit) {
          out.write(zeros);
          sent.addAndGet(zeros.length);
        }
      } catch (IOException e) {
        // the client closed the connection
      }
    });
    server.start();
    try {
      Path cache = root.resolve("cache");
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
      IOException e = assertThrows(IOException.class, () -> FashionMnist.download(cache, url));
      assertEquals("downloading train-images-idx3-ubyte.gz from " + url + " failed: the server sent more than the "
          + "26,421,880 bytes the file has; the address does not serve Fashion-MNIST's files", e.getMessage());
      assertTrue(sent.get() < limit, "the server sent all " + sent.get() + " bytes");
      try (var files = Files.list(cache)) {
        assertEquals(0, files.count(), "no partial file is left");
      }
    } finally {
      server.stop(0);
    }
  }

  /**
   * A server that stops sending after the response's headers is given up on once a file's time is out, and nothing
   * of it is left: the request's timeout ends with the headers, so that the download waited for the rest for ever.
   */
  @Test
  void aServerThatStopsSendingIsGivenUpOnWhenTheFilesTimeIsOut() throws Exception {
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
    com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      exchange.sendResponseHeaders(200, 0);
      try (var out = exchange.getResponseBody()) {
        out.write(new byte[10]);
        out.flush();
        done.await(); // and nothing more
      } catch (InterruptedException | IOException e) {
        // the test is over
      }
    });
    server.start();
    try {
      Path cache = root.resolve("cache");
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
      IOException e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30),
          () -> assertThrows(IOException.class, () -> FashionMnist.download(cache, url,
              java.time.Duration.ofSeconds(1))));
      assertTrue(e.getMessage().startsWith("downloading train-images-idx3-ubyte.gz from " + url + " failed: it did "
          + "not come within 1 seconds (10 of its 26,421,880 bytes did); try again on a faster connection"),
          e.getMessage());
      try (var files = Files.list(cache)) {
        assertEquals(0, files.count(), "no partial file is left");
      }
    } finally {
      done.countDown();
      server.stop(0);
    }
  }

  @Test
  void aDownloadWithoutAConnectionSaysWhatFailedAndWhatToDoInstead() throws Exception {
    Path cache = root.resolve("cache");
    String closed; // a port of this machine that nothing listens on: refused at once, no network needed
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = "http://127.0.0.1:" + s.getLocalPort() + "/";
    }
    IOException e = assertThrows(IOException.class, () -> FashionMnist.download(cache, closed));
    String m = e.getMessage();
    assertTrue(m.startsWith("downloading ") && m.contains(" from " + closed + " failed: java.net.ConnectException"), m);
    assertTrue(m.contains("apt-get install dataset-fashion-mnist") && m.contains("--data"), m);
    try (var files = Files.list(cache)) {
      assertEquals(0, files.count(), "no partial file is left");
    }
  }
}
