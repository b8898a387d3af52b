package org.delta4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The program run as the launcher runs it, in a JVM of its own, with the classes under test. */
final class ProgramProcess {
  private ProgramProcess() {}

  /** Starts {@code delta4j args} with the given JVM options; standard error goes to {@code errors}. */
  static Process start(List<String> jvmOptions, Path errors, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("--add-modules", "jdk.incubator.vector", "-Djava.awt.headless=true", "-cp",
        System.getProperty("java.class.path"), Delta4jCommand.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectError(errors.toFile()).start();
  }
}
