package org.delta4j.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The program run as the launcher runs it, in a JVM of its own, with the classes under test. */
final class ProgramProcess {
  private ProgramProcess() {}

  /** Starts {@code delta4j args} with the given JVM options; standard error goes to {@code errors}. */
  static Process start(List<String> jvmOptions, Path errors, String... args) throws IOException {
    return start(jvmOptions, List.of(), errors, args);
  }

  /**
   * Starts {@code delta4j args} with {@code libraries} after the program on its class path, as the launcher puts the
   * jars and directories of DELTA4J_CLASSPATH there.
   */
  static Process start(List<String> jvmOptions, List<Path> libraries, Path errors, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    StringBuilder classPath = new StringBuilder(System.getProperty("java.class.path"));
    libraries.forEach(l -> classPath.append(File.pathSeparator).append(l));
    command.addAll(List.of("--add-modules", "jdk.incubator.vector", "-Djava.awt.headless=true", "-cp",
        classPath.toString(), Delta4jCommand.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectError(errors.toFile()).start();
  }
}
