package org.delta4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code spark/train} (what {@code bin/delta4j train --spark} runs) puts the libraries of kinds and engines in
 * DELTA4J_CLASSPATH on the program's class path, as bin/delta4j does. The script runs in a copy of the project's
 * layout whose {@code java} only prints its class path, so nothing is built or started.
 */
class TrainScriptTest {
  @TempDir
  Path root;

  @Test
  void librariesInDelta4jClasspathJoinTheClassPath() throws Exception {
    String classPath = classPathGiven(Map.of("DELTA4J_CLASSPATH", "/opt/kinds.jar:/opt/engine"));
    assertEquals(List.of("/opt/kinds.jar", "/opt/engine"), tail(classPath, 2));
  }

  @Test
  void withoutItTheClassPathEndsWithTheSparkLibrariesAndNoEmptyEntry() throws Exception {
    // An empty entry (a trailing ':') would put the working directory on the class path.
    String classPath = classPathGiven(Map.of());
    assertEquals(List.of("/lib/spark-core.jar"), tail(classPath, 1));
  }

  private static List<String> tail(String classPath, int n) {
    List<String> entries = List.of(classPath.split(":", -1));
    return entries.subList(entries.size() - n, entries.size());
  }

  /** Runs the script with the given environment and returns the class path it hands to java. */
  private String classPathGiven(Map<String, String> env) throws IOException, InterruptedException {
    Path spark = Files.createDirectories(root.resolve("spark"));
    Path bin = Files.createDirectories(root.resolve("bin"));
    for (String module : List.of("api", "datasets", "engine-ref", "engine-nd4j", "cli", "spark")) {
      Files.createDirectories(root.resolve(module).resolve("src/main"));
    }
    Files.copy(Path.of("train"), spark.resolve("train"), StandardCopyOption.COPY_ATTRIBUTES);
    Files.copy(Path.of("pom.xml"), spark.resolve("pom.xml"));
    Files.copy(Path.of("../pom.xml"), root.resolve("pom.xml"));
    // The list of Spark's jars, newer than every source: the script builds nothing.
    Path list = Files.createDirectories(spark.resolve("target")).resolve("runtime-classpath.txt");
    Files.writeString(list, "/lib/spark-core.jar");
    script(bin.resolve("openblas-coretype"), "true");
    Path fakes = Files.createDirectories(root.resolve("fakes"));
    script(fakes.resolve("java"), "while [ $# -gt 0 ]; do [ \"$1\" = -cp ] && { printf '%s' \"$2\"; exit 0; }; "
        + "shift; done; exit 3");
    ProcessBuilder pb = new ProcessBuilder(spark.resolve("train").toString(), "--spark", "local[1]");
    pb.environment().remove("DELTA4J_CLASSPATH");
    pb.environment().putAll(env);
    pb.environment().put("PATH", fakes + ":" + System.getenv("PATH"));
    Process p = pb.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    return out;
  }

  private static void script(Path file, String body) throws IOException {
    Files.writeString(file, "#!/usr/bin/env bash\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
