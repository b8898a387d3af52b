package org.delta4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import org.delta4j.engine.EngineUnavailableException;
import org.delta4j.spec.KindRegistry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code delta4j} program: train, evaluate and use networks, and see the engines. */
@Command(name = "delta4j", mixinStandardHelpOptions = true, version = Delta4jCommand.VERSION,
    description = "Deep learning in Java: train a network on real data, evaluate it, predict with it.",
    subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, EnginesCommand.class,
        PerceptronCommand.class})
public final class Delta4jCommand implements Runnable {
  /** What {@code -V} prints, for the program and each of its commands. */
  static final String VERSION = "Delta4j 0.1.0";

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "choose a command: train, evaluate, predict, engines or perceptron");
  }

  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    int code;
    try {
      code = commandLine().execute(args);
    } catch (OutOfMemoryError e) {
      System.err.println("error: " + outOfMemory());
      code = 1;
    }
    System.exit(code);
  }

  /** What to say when the heap runs out: its size, and how to give more. */
  static String outOfMemory() {
    long max = Runtime.getRuntime().maxMemory() >> 20;
    return "out of memory: this job needs more than the " + max + " MiB of heap Java was given; give it more, "
        + "for example DELTA4J_JAVA_OPTS=-Xmx" + Math.max(2, 2 * ((max + 1023) / 1024)) + "g bin/delta4j ... "
        + "(or java -Xmx...)";
  }

  /**
   * The command line, with errors a user can act on (bad data, a missing file, an unavailable engine, an invalid
   * network) printed as one clear message and exit code 1, not as a stack trace.
   */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Delta4jCommand());
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.registerConverter(Path.class, Delta4jCommand::path);
    cl.setParameterExceptionHandler(Delta4jCommand::usageError);
    cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
      if (cause instanceof IOException || cause instanceof IllegalArgumentException
          || cause instanceof EngineUnavailableException || cause instanceof ArithmeticException) {
        commandLine.getErr().println("error: " + describe(cause));
        commandLine.getErr().flush();
        return 1;
      }
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof IllegalStateException && t.getCause() instanceof OutOfMemoryError) {
          // Delta4j's own words for memory it could not have (Heap.outOfMemory): what was asked for, and how much
          commandLine.getErr().println("error: " + t.getMessage());
          commandLine.getErr().flush();
          return 1;
        }
        if (t instanceof OutOfMemoryError) { // from a worker thread, wrapped on its way to this one
          commandLine.getErr().println("error: " + outOfMemory());
          commandLine.getErr().flush();
          return 1;
        }
      }
      throw e;
    });
    return cl;
  }

  /**
   * A path option's value as the file or directory it names, refused when it cannot name the one the user typed: a
   * name whose bytes are not valid in the encoding the JVM reads file names in (sun.jnu.encoding) reaches the program
   * with U+FFFD in their place, and U+FFFD's own bytes name another file, so {@code -o $'run\xff'} wrote its run to a
   * directory the user never named. (A name that holds U+FFFD itself is refused too: it cannot be told apart.)
   */
  static Path path(String value) {
    String encoding = System.getProperty("sun.jnu.encoding", "the platform's encoding");
    if (value.indexOf('\uFFFD') >= 0) {
      throw new CommandLine.TypeConversionException("'" + value + "' is not the name given: bytes of it that are not "
          + "valid " + encoding + ", the encoding of file names here, reach the program as U+FFFD (\uFFFD), and the "
          + "name with U+FFFD in their place is another file; " + (encoding.equalsIgnoreCase("UTF-8")
              ? "rename it in valid UTF-8" : "run in a UTF-8 locale (LC_ALL=C.UTF-8), or rename it in " + encoding));
    }
    try {
      return Path.of(value);
    } catch (InvalidPathException e) { // a NUL, or characters the file-name encoding lacks (LANG=C)
      throw new CommandLine.TypeConversionException("'" + value + "' cannot name a file here: " + e.getReason()
          + " (file names are in " + encoding + ")");
    }
  }

  /**
   * {@link #path}, refusing an empty value for an option that names a file to read: Java takes the empty path for the
   * working directory, so {@code --csv=} was refused as ": is a directory", naming neither the option nor the mistake.
   * (An empty --output is refused when the directory is checked.)
   */
  static final class NamedPath implements CommandLine.ITypeConverter<Path> {
    @Override
    public Path convert(String value) {
      if (value.isEmpty()) {
        throw new CommandLine.TypeConversionException("it is empty, which names the working directory, not a file; "
            + "name one");
      }
      return path(value);
    }
  }

  /**
   * A command line that does not parse (an unknown option, a value of the wrong type, a missing one): one line naming
   * the option and the value, with picocli's suggestions and where to find the usage, rather than the whole usage
   * message that would bury it; exit code 2.
   */
  private static int usageError(CommandLine.ParameterException e, String[] args) {
    CommandLine c = e.getCommandLine();
    StringBuilder line = new StringBuilder("error: ").append(e.getMessage());
    if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
      line.append(" (did you mean ").append(String.join(" or ", u.getSuggestions())).append("?)");
    }
    line.append("; see '").append(c.getCommandSpec().qualifiedName()).append(" --help'");
    c.getErr().println(line.toString().replaceAll("\\s*\\R\\s*", " "));
    c.getErr().flush();
    return c.getCommandSpec().exitCodeOnInvalidInput();
  }

  /**
   * Registers the kinds on the class path, Delta4j's own and those of the libraries in DELTA4J_CLASSPATH, before any
   * work: a library whose provider fails (two claiming one type name, a provider that throws or cannot be loaded) is
   * then one line naming it, rather than the stack trace of whatever first needed a kind.
   */
  static void registerKinds() {
    try {
      KindRegistry.standard();
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException("the layer, loss and optimizer kinds on the class path (the program's and "
          + "those of DELTA4J_CLASSPATH) cannot be registered: " + e.getMessage(), e);
    }
  }

  /**
   * Refuses a new training run's output directory {@code dir} (as given) when it holds any file the run writes there
   * ({@code holds} tells, by name, on whatever file system it lies), naming the first: on one machine or a cluster.
   */
  public static void refuseFilesOfARun(String dir, java.util.function.Predicate<String> holds) {
    for (String file : TrainCommand.FILES) {
      if (holds.test(file)) {
        throw new IllegalArgumentException("--output " + dir + " already holds " + file + ", which this run would "
            + "write over; move it, or choose another --output");
      }
    }
  }

  /** One line saying what is wrong: for a file system error, the path and the cause in words. */
  public static String describe(Throwable t) {
    if (t instanceof FileSystemException f && f.getFile() != null) {
      String cause = t instanceof AccessDeniedException ? "permission denied"
          : t instanceof NoSuchFileException ? "no such file"
          : t instanceof NotDirectoryException ? "not a directory"
          : t instanceof FileAlreadyExistsException ? "already exists" : "cannot be used";
      String reason = f.getReason() != null && !f.getReason().isBlank() ? f.getReason() : null;
      if (t instanceof NoSuchFileException && reason != null) {
        cause = reason;
      } else if (reason != null && !reason.equalsIgnoreCase(cause)) {
        cause = cause.equals("cannot be used") ? reason : cause + " (" + reason + ")";
      }
      return f.getFile() + (f.getOtherFile() != null ? " → " + f.getOtherFile() : "") + ": " + cause;
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }
}
