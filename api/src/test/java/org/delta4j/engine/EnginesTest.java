package org.delta4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Engine discovery and selection: explicit name, then the system property, then the environment variable, then the
 * available engine of highest priority; clear errors that list every engine; broken providers do not hide the others.
 */
class EnginesTest {
  /** An engine that is only a name: selection never calls its kernels. */
  record NamedEngine(String name) implements Engine {
    public String description() {
      return "test engine " + name;
    }

    public Tensor zeros(DataType dataType, Shape shape) {
      throw new UnsupportedOperationException();
    }

    public Kernels kernels() {
      throw new UnsupportedOperationException();
    }
  }

  record Provider(String name, int priority, Engine engine, RuntimeException failure, AtomicInteger creations)
      implements EngineProvider {
    Provider(String name, int priority) {
      this(name, priority, new NamedEngine(name), null, new AtomicInteger());
    }

    static Provider failing(String name, int priority, RuntimeException failure) {
      return new Provider(name, priority, null, failure, new AtomicInteger());
    }

    public Engine create() {
      creations.incrementAndGet();
      if (failure != null) {
        throw failure;
      }
      return engine;
    }
  }

  private final Provider low = new Provider("low", 0);
  private final Provider high = new Provider("high", 10);
  private final Provider broken = Provider.failing("broken", 20, new IllegalStateException("cannot load libfoo.so"));
  private final List<EngineProvider> all = List.of(low, broken, high);

  private Engines engines(Map<String, String> properties, Map<String, String> environment) {
    return Engines.of(all, properties::get, environment::get);
  }

  @Test
  void withNothingNamedTheAvailableEngineOfHighestPriorityWins() {
    Engines.Selection s = engines(Map.of(), Map.of()).selection(null);
    assertSame(high.engine(), s.engine());
    assertTrue(s.reason().contains("highest priority"), s.reason());
  }

  @Test
  void anExplicitNameBeatsThePropertyWhichBeatsTheEnvironment() {
    Engines e = engines(Map.of(Engines.PROPERTY, "low"), Map.of(Engines.ENVIRONMENT_VARIABLE, "high"));
    assertSame(high.engine(), e.select("high"));
    assertSame(low.engine(), e.select(null));
    assertSame(high.engine(), engines(Map.of(), Map.of(Engines.ENVIRONMENT_VARIABLE, "HIGH")).select(null));
    assertSame(low.engine(), engines(Map.of(Engines.PROPERTY, " "), Map.of(Engines.ENVIRONMENT_VARIABLE, "low"))
        .select(null), "a blank property counts as unset");
  }

  @Test
  void anUnknownNameListsEveryEngineAndWhyAnyIsUnavailable() {
    EngineUnavailableException e = assertThrows(EngineUnavailableException.class,
        () -> engines(Map.of(Engines.PROPERTY, "gpu"), Map.of()).select(null));
    assertEquals("no engine named 'gpu' (named by the system property delta4j.engine); engines found: broken "
        + "(unavailable: IllegalStateException: cannot load libfoo.so), high (available), low (available)",
        e.getMessage());
  }

  @Test
  void anUnavailableEngineNamedExplicitlyFailsWithItsCause() {
    EngineUnavailableException e = assertThrows(EngineUnavailableException.class,
        () -> engines(Map.of(), Map.of()).select("broken"));
    assertTrue(e.getMessage().startsWith("engine 'broken' (named explicitly) is unavailable: IllegalStateException: "
        + "cannot load libfoo.so"), e.getMessage());
    assertSame(broken.failure(), e.getCause());
  }

  @Test
  void eachEngineIsProbedOnceAndOnlyWhenNeeded() {
    Engines e = engines(Map.of(), Map.of());
    assertEquals(0, low.creations().get() + high.creations().get() + broken.creations().get());
    e.select(null);
    e.select(null);
    e.statuses();
    assertEquals(1, broken.creations().get());
    assertEquals(1, high.creations().get());
    assertEquals(1, low.creations().get(), "statuses() probes the rest once");
  }

  @Test
  void aProviderReturningNullOrADuplicateNameIsReported() {
    Provider nothing = new Provider("nothing", 5, null, null, new AtomicInteger());
    Engines e = Engines.of(List.of(nothing, low, new Provider("low", 99)), k -> null, k -> null);
    assertSame(low.engine(), e.select(null), "the first provider of a name is kept; the null engine is skipped");
    String report = e.report(null);
    assertTrue(report.contains("create() returned null"), report);
    assertTrue(report.contains("two providers are named 'low'"), report);
    assertTrue(report.contains("Selected: low"), report);
  }

  /**
   * A provider's engine bears its name: one that made an engine of another name was taken, and runs recorded the
   * other name, which no provider offers. A name longer than six letters keeps the report's columns.
   */
  @Test
  void aProviderWhoseEngineBearsAnotherNameIsReported() {
    Provider misnamed = new Provider("arrays-engine", 5, new NamedEngine("arrays"), null, new AtomicInteger());
    Engines e = Engines.of(List.of(misnamed, low), k -> null, k -> null);
    assertSame(low.engine(), e.select(null), "the misnamed engine is skipped");
    String report = e.report(null);
    assertTrue(report.contains("is named 'arrays-engine' but its create() made an engine named 'arrays'"), report);
    List<String> rows = report.lines().filter(l -> l.contains(" priority ")).toList();
    assertEquals(rows.get(0).indexOf(" priority "), rows.get(1).indexOf(" priority "), report);
  }

  @Test
  void noEngineAtAll() {
    EngineUnavailableException e = assertThrows(EngineUnavailableException.class,
        () -> Engines.of(List.of(), k -> null, k -> null).select(null));
    assertTrue(e.getMessage().contains("no engine is available") && e.getMessage().contains("on the class path"),
        e.getMessage());
  }

  /** Good providers are still found when the services file also names a missing class and a class that throws. */
  public static final class GoodProvider implements EngineProvider {
    public String name() {
      return "good";
    }

    public int priority() {
      return 1;
    }

    public Engine create() {
      return new NamedEngine("good");
    }
  }

  public static final class ThrowingProvider implements EngineProvider {
    public ThrowingProvider() {
      throw new IllegalStateException("provider constructor failed");
    }

    public String name() {
      return "never";
    }

    public int priority() {
      return 0;
    }

    public Engine create() {
      return null;
    }
  }

  @Test
  void aBrokenProviderJarDoesNotBreakDiscoveryOfTheOthers(@TempDir Path dir) throws IOException {
    Path services = dir.resolve("META-INF/services/" + EngineProvider.class.getName());
    Files.createDirectories(services.getParent());
    Files.writeString(services, "org.example.MissingProvider\n" + ThrowingProvider.class.getName() + "\n"
        + GoodProvider.class.getName() + "\n");
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      Engines e = Engines.discover(loader);
      assertEquals("good", e.select(null).name());
      List<String> names = e.statuses().stream().map(EngineStatus::name).toList();
      assertTrue(names.contains("org.example.MissingProvider"), names.toString());
      assertTrue(names.contains(ThrowingProvider.class.getName()), names.toString());
      assertTrue(e.report(null).contains("provider constructor failed") || e.report(null).contains("could not be"),
          e.report(null));
    }
  }
}
