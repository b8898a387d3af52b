package org.delta4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/delta4j} as the README describes it: the libraries of DELTA4J_CLASSPATH join the program's class path,
 * and {@code train --spark MASTER} runs the job on Spark whichever way the option is written ({@code --spark=MASTER}
 * too). The script runs in a copy of the project's layout whose {@code java} and {@code spark/train} only say how they
 * were called, so nothing is built or started.
 */
class LauncherScriptTest {
  @TempDir
  Path root;

  @Test
  void librariesInDelta4jClasspathJoinTheProgramsClassPath() throws Exception {
    assertEquals("java -cp " + jar() + ":/opt/kinds.jar:/opt/engine org.delta4j.cli.Delta4jCommand engines",
        launch(Map.of("DELTA4J_CLASSPATH", "/opt/kinds.jar:/opt/engine"), "engines"));
    // An empty entry (a trailing ':') would put the working directory on the class path.
    assertEquals("java -cp " + jar() + " org.delta4j.cli.Delta4jCommand engines", launch(Map.of(), "engines"));
  }

  @Test
  void trainOnSparkIsRecognisedWrittenEitherWay() throws Exception {
    assertEquals("spark/train train --spark local[2] --epochs 1", launch(Map.of(), "train", "--spark", "local[2]",
        "--epochs", "1"));
    assertEquals("spark/train train --spark=local[2]", launch(Map.of(), "train", "--spark=local[2]"));
    assertTrue(launch(Map.of(), "train", "--epochs", "1").startsWith("java "), "no --spark: the program itself");
  }

  private Path jar() {
    return root.resolve("cli/target/delta4j.jar");
  }

  /** Runs the launcher with {@code args} and returns what it started, as "program args...". */
  private String launch(Map<String, String> env, String... args) throws IOException, InterruptedException {
    Path bin = Files.createDirectories(root.resolve("bin"));
    for (String module : List.of("api", "datasets", "engine-ref", "engine-nd4j", "perceptron", "dsl", "cli")) {
      Files.createDirectories(root.resolve(module).resolve("src/main"));
    }
    Files.copy(Path.of("..", "bin", "delta4j"), bin.resolve("delta4j"), StandardCopyOption.COPY_ATTRIBUTES,
        StandardCopyOption.REPLACE_EXISTING);
    Files.writeString(root.resolve("pom.xml"), "<project/>");
    script(bin.resolve("openblas-coretype"), "true");
    script(Files.createDirectories(root.resolve("spark")).resolve("train"), "echo spark/train \"$@\"");
    // The program, newer than every source: the launcher builds nothing.
    Files.createDirectories(jar().getParent());
    Files.write(jar(), new byte[0]);
    Files.setLastModifiedTime(jar(), FileTime.from(Instant.now().plusSeconds(3600)));
    Path fakes = Files.createDirectories(root.resolve("fakes"));
    // java: its class path and what follows the main class's name
    script(fakes.resolve("java"), "while [ $# -gt 0 ] && [ \"$1\" != -cp ]; do shift; done; echo java \"$@\"");
    List<String> command = new ArrayList<>(List.of(bin.resolve("delta4j").toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().remove("DELTA4J_CLASSPATH");
    pb.environment().put("DELTA4J_DATA", root.toString()); // the data is "there": nothing to install
    pb.environment().putAll(env);
    pb.environment().put("PATH", fakes + ":" + System.getenv("PATH"));
    Process p = pb.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertEquals(0, p.waitFor(), out);
    return out;
  }

  private static void script(Path file, String body) throws IOException {
    Files.writeString(file, "#!/usr/bin/env bash\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
