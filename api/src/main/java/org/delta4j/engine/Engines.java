package org.delta4j.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Function;

/**
 * Finds engines with {@link ServiceLoader} and selects one. Selection order: an explicit name, else the system
 * property {@value #PROPERTY}, else the environment variable {@value #ENVIRONMENT_VARIABLE}, else the available engine
 * of highest priority. Each engine is created (and so probed) at most once, on first need. A provider that fails to
 * load is recorded with its error and does not hide the others. Thread-safe.
 */
public final class Engines {
  /** System property naming the engine to use. */
  public static final String PROPERTY = "delta4j.engine";
  /** Environment variable naming the engine to use, when the property is not set. */
  public static final String ENVIRONMENT_VARIABLE = "DELTA4J_ENGINE";

  private static final class Holder {
    static final Engines DEFAULTS = discover(Engines.class.getClassLoader());
  }

  private final List<Candidate> candidates;
  private final List<EngineStatus> brokenProviders;
  private final Function<String, String> systemProperties;
  private final Function<String, String> environment;

  private Engines(
      List<Candidate> candidates,
      List<EngineStatus> brokenProviders,
      Function<String, String> systemProperties,
      Function<String, String> environment) {
    this.candidates = candidates;
    this.brokenProviders = brokenProviders;
    this.systemProperties = systemProperties;
    this.environment = environment;
  }

  /** The engines on this library's class path, discovered once per JVM. */
  public static Engines defaults() {
    return Holder.DEFAULTS;
  }

  /** The engine the default selection order picks, from {@link #defaults()}. */
  public static Engine get() {
    return defaults().select(null);
  }

  /** The named engine from {@link #defaults()}, or the default selection when {@code name} is null. */
  public static Engine get(String name) {
    return defaults().select(name);
  }

  /** Discovers the providers visible to {@code loader}; providers that fail to load are recorded, not thrown. */
  public static Engines discover(ClassLoader loader) {
    List<EngineProvider> providers = new ArrayList<>();
    List<EngineStatus> broken = new ArrayList<>();
    Iterator<EngineProvider> it = ServiceLoader.load(EngineProvider.class, loader).iterator();
    while (true) {
      try {
        if (!it.hasNext()) {
          break;
        }
        providers.add(it.next());
      } catch (ServiceConfigurationError e) {
        // ServiceLoader documents that iteration continues past a provider that cannot be loaded.
        broken.add(new EngineStatus(brokenProviderName(e), Integer.MIN_VALUE, Optional.of(e)));
      }
    }
    return of(providers, broken, System::getProperty, System::getenv);
  }

  /** Engines from an explicit list of providers, reading the given property and environment lookups. */
  public static Engines of(
      List<? extends EngineProvider> providers,
      Function<String, String> systemProperties,
      Function<String, String> environment) {
    Objects.requireNonNull(providers, "providers is null");
    Objects.requireNonNull(systemProperties, "systemProperties is null");
    Objects.requireNonNull(environment, "environment is null");
    return of(providers, List.of(), systemProperties, environment);
  }

  private static Engines of(
      List<? extends EngineProvider> providers,
      List<EngineStatus> broken,
      Function<String, String> systemProperties,
      Function<String, String> environment) {
    List<Candidate> list = new ArrayList<>();
    List<EngineStatus> problems = new ArrayList<>(broken);
    for (EngineProvider p : providers) {
      Candidate same = list.stream().filter(c -> c.provider.name().equals(p.name())).findFirst().orElse(null);
      if (same == null) {
        list.add(new Candidate(p));
      } else {
        problems.add(new EngineStatus(p.name(), p.priority(), Optional.of(new IllegalStateException(
            "two providers are named '" + p.name() + "': " + same.provider.getClass().getName() + " and "
                + p.getClass().getName() + "; the first is used"))));
      }
    }
    list.sort(
        Comparator.comparingInt((Candidate c) -> -c.provider.priority()).thenComparing(c -> c.provider.name()));
    return new Engines(
        List.copyOf(list),
        List.copyOf(problems),
        Objects.requireNonNull(systemProperties),
        Objects.requireNonNull(environment));
  }

  /** The engine named {@code name}, or when it is null the default selection; never null. */
  public Engine select(String name) {
    return selection(name).engine();
  }

  /** Which engine the selection order picks, and why, or an {@link EngineUnavailableException} listing all. */
  public Selection selection(String explicitName) {
    String name = blankToNull(explicitName);
    String why = "named explicitly";
    if (name == null) {
      name = blankToNull(systemProperties.apply(PROPERTY));
      why = "named by the system property " + PROPERTY;
    }
    if (name == null) {
      name = blankToNull(environment.apply(ENVIRONMENT_VARIABLE));
      why = "named by the environment variable " + ENVIRONMENT_VARIABLE;
    }
    if (name != null) {
      String wanted = name.toLowerCase(Locale.ROOT);
      Candidate c = candidates.stream().filter(x -> x.provider.name().equals(wanted)).findFirst().orElse(null);
      if (c == null) {
        throw new EngineUnavailableException(
            "no engine named '" + name + "' (" + why + "); " + listing(), null);
      }
      Result r = c.result();
      if (r.engine == null) {
        throw new EngineUnavailableException(
            "engine '" + name + "' (" + why + ") is unavailable: " + reason(r.failure) + "; " + listing(),
            r.failure);
      }
      return new Selection(r.engine, why);
    }
    for (Candidate c : candidates) {
      Result r = c.result();
      if (r.engine != null) {
        return new Selection(
            r.engine, "the available engine of highest priority (" + c.provider.priority() + ")");
      }
    }
    throw new EngineUnavailableException("no engine is available; " + listing(), null);
  }

  /**
   * Every engine found, highest priority first, followed by providers that could not be loaded; probes each engine
   * not yet probed.
   */
  public List<EngineStatus> statuses() {
    List<EngineStatus> out = new ArrayList<>();
    for (Candidate c : candidates) {
      Result r = c.result();
      out.add(new EngineStatus(c.provider.name(), c.provider.priority(), Optional.ofNullable(r.failure)));
    }
    out.addAll(brokenProviders);
    return List.copyOf(out);
  }

  /**
   * A report for people: every engine with its priority and availability (and the reason when unavailable), then
   * which one the selection order picks for {@code explicitName} (may be null) and why.
   */
  public String report(String explicitName) {
    StringBuilder sb = new StringBuilder("Engines found:\n");
    List<EngineStatus> found = statuses();
    int width = found.stream().mapToInt(s -> s.name().length()).max().orElse(0); // a name of any length aligns
    for (EngineStatus s : found) {
      sb.append(String.format(Locale.ROOT, "  %-" + Math.max(6, width) + "s priority %-11s %s%n",
          s.name(), s.priority() == Integer.MIN_VALUE ? "-" : String.valueOf(s.priority()), s.describe()));
    }
    try {
      Selection sel = selection(explicitName);
      sb.append("Selected: ").append(sel.engine().name()).append(" — ").append(sel.reason()).append('\n');
      sb.append("  ").append(sel.engine().description()).append('\n');
    } catch (EngineUnavailableException e) {
      sb.append("Selected: none — ").append(e.getMessage()).append('\n');
    }
    return sb.toString();
  }

  /** The engine a selection picked and why it was picked. */
  public record Selection(Engine engine, String reason) {}

  private String listing() {
    StringBuilder sb = new StringBuilder("engines found: ");
    List<EngineStatus> all = statuses();
    if (all.isEmpty()) {
      return sb.append("none (is an engine module such as delta4j-engine-ref on the class path?)").toString();
    }
    for (int i = 0; i < all.size(); i++) {
      EngineStatus s = all.get(i);
      sb.append(i == 0 ? "" : ", ").append(s.name()).append(" (").append(s.describe()).append(')');
    }
    return sb.toString();
  }

  static String reason(Throwable t) {
    StringBuilder sb = new StringBuilder();
    Throwable cur = t;
    for (int depth = 0; cur != null && depth < 4; depth++, cur = cur.getCause()) {
      if (depth > 0) {
        sb.append(" <- ");
      }
      sb.append(cur.getClass().getSimpleName());
      if (cur.getMessage() != null) {
        sb.append(": ").append(cur.getMessage());
      }
    }
    return sb.toString();
  }

  private static String brokenProviderName(ServiceConfigurationError e) {
    // The message reads "org.delta4j.engine.EngineProvider: Provider x.Y could not be instantiated".
    String m = String.valueOf(e.getMessage());
    int at = m.indexOf("Provider ");
    if (at >= 0) {
      String rest = m.substring(at + "Provider ".length());
      int space = rest.indexOf(' ');
      return space > 0 ? rest.substring(0, space) : rest;
    }
    return "<unloadable provider>";
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  private record Result(Engine engine, Throwable failure) {}

  private static final class Candidate {
    final EngineProvider provider;
    private Result result;

    Candidate(EngineProvider provider) {
      this.provider = provider;
    }

    synchronized Result result() {
      if (result == null) {
        try {
          Engine e = provider.create();
          result = e == null
              ? new Result(null, new IllegalStateException(provider.getClass().getName() + ".create() returned null"))
              // the engine is found by its provider's name and saved runs record its own: they must be one
              : !provider.name().equals(e.name())
              ? new Result(null, new IllegalStateException(provider.getClass().getName() + " is named '"
                  + provider.name() + "' but its create() made an engine named '" + e.name() + "'"))
              : new Result(e, null);
        } catch (Exception | LinkageError e) {
          result = new Result(null, e);
        }
      }
      return result;
    }
  }
}
