package org.delta4j.spec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.WeakHashMap;
import java.util.function.Function;

/**
 * The registered layer, loss and optimizer kinds, by JSON type name, with the provider class of each: every kind
 * every {@link KindProvider} on the class path lists, the built-in ones included. Building one fails loudly, naming
 * the provider class and the kind, when a provider cannot be loaded or throws, when two providers (or one twice)
 * claim one type name, when a type name is not lower case, or when a kind's example is of another type. Immutable and
 * thread-safe.
 */
public final class KindRegistry {
  /** The standard registry of each context class loader that asked ({@link #standard()}). */
  private static final Map<ClassLoader, KindRegistry> BY_LOADER = Collections.synchronizedMap(new WeakHashMap<>());

  private final Map<String, Entry<LayerKind>> layers;
  private final Map<String, Entry<LossKind>> losses;
  private final Map<String, Entry<OptimizerKind>> optimizers;

  private record Entry<K>(K kind, String provider) {}

  private KindRegistry(List<KindProvider> providers) {
    Map<String, Entry<LayerKind>> l = new LinkedHashMap<>();
    Map<String, Entry<LossKind>> s = new LinkedHashMap<>();
    Map<String, Entry<OptimizerKind>> o = new LinkedHashMap<>();
    for (KindProvider p : providers) {
      String provider = p.getClass().getName();
      add(l, "layer", provider, list(provider, "layerKinds", p::layerKinds), LayerKind::type,
          k -> k.example().spec().type());
      add(s, "loss", provider, list(provider, "lossKinds", p::lossKinds), LossKind::type, k -> k.example().type());
      add(o, "optimizer", provider, list(provider, "optimizerKinds", p::optimizerKinds), OptimizerKind::type,
          k -> k.example().type());
    }
    this.layers = Collections.unmodifiableMap(l);
    this.losses = Collections.unmodifiableMap(s);
    this.optimizers = Collections.unmodifiableMap(o);
  }

  /**
   * The kinds on the class path: the providers the thread's context class loader finds, and Delta4j's own class
   * loader's, loaded once per context class loader. Kept per loader, so that which kinds a thread can read does not
   * depend on which thread read a spec first (a plugin's thread, its jar on its own loader, was refused its kinds
   * when another thread had filled a single registry first).
   */
  public static KindRegistry standard() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    ClassLoader loader = context != null ? context : KindRegistry.class.getClassLoader();
    return BY_LOADER.computeIfAbsent(loader, KindRegistry::load); // under the map's lock: one scan per loader
  }

  /** The kinds the providers visible to {@code loader} (and to Delta4j's own class loader) register. */
  public static KindRegistry load(ClassLoader loader) {
    List<KindProvider> providers = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    for (ClassLoader cl : new ClassLoader[] {loader, KindRegistry.class.getClassLoader()}) {
      Iterator<KindProvider> it = ServiceLoader.load(KindProvider.class, cl).iterator();
      while (true) {
        KindProvider p;
        try {
          if (!it.hasNext()) {
            break;
          }
          p = it.next();
        } catch (ServiceConfigurationError e) {
          throw new IllegalStateException("a kind provider cannot be loaded: " + e.getMessage()
              + (e.getCause() != null ? " (" + e.getCause() + ")" : ""), e);
        }
        if (!seen.contains(p.getClass().getName())) {
          seen.add(p.getClass().getName());
          providers.add(p);
        }
      }
    }
    return new KindRegistry(providers);
  }

  /** The kinds of exactly these providers (for tests, and for tools that assemble their own). */
  public static KindRegistry of(List<? extends KindProvider> providers) {
    return new KindRegistry(List.copyOf(Objects.requireNonNull(providers, "providers is null")));
  }

  private static <K> List<K> list(String provider, String method, java.util.function.Supplier<List<K>> call) {
    List<K> kinds;
    try {
      kinds = call.get();
    } catch (RuntimeException | LinkageError e) {
      throw new IllegalStateException("kind provider " + provider + "." + method + "() failed: " + e, e);
    }
    if (kinds == null) {
      throw new IllegalStateException("kind provider " + provider + "." + method + "() returned null");
    }
    return kinds;
  }

  private static <K> void add(Map<String, Entry<K>> into, String category, String provider, List<K> kinds,
      Function<K, String> type, Function<K, String> exampleType) {
    for (int i = 0; i < kinds.size(); i++) {
      K k = kinds.get(i);
      if (k == null) { // else a bare NullPointerException, with no word of which entry was missing
        throw new IllegalStateException(category + " kind " + i + " of provider " + provider + " is null: a provider "
            + "lists its kinds, each made with its type name, reader and example");
      }
      String t;
      String example;
      try {
        t = type.apply(k);
        example = exampleType.apply(k);
      } catch (RuntimeException e) {
        throw new IllegalStateException("a " + category + " kind of provider " + provider + " failed: " + e, e);
      }
      if (t == null || t.isBlank() || !t.equals(t.trim())) {
        throw new IllegalStateException("a " + category + " kind of provider " + provider + " has no usable type name: '"
            + t + "'");
      }
      if (!t.equals(t.toLowerCase(Locale.ROOT))) {
        // descriptions are read in any case, by the lowered name: one with capitals could be written, never read
        throw new IllegalStateException(category + " kind '" + t + "' of provider " + provider + ": type names are "
            + "lower case, as descriptions and options name kinds in any case; register it as '"
            + t.toLowerCase(Locale.ROOT) + "'");
      }
      if (!t.equals(example)) {
        throw new IllegalStateException(category + " kind '" + t + "' of provider " + provider
            + ": its example spec says its type is '" + example + "'; a kind's specs must return the kind's type name");
      }
      Entry<K> before = into.putIfAbsent(t, new Entry<>(k, provider));
      if (before != null) {
        throw new IllegalStateException(category + " kind '" + t + "' is registered twice: by " + before.provider()
            + " and by " + provider + "; type names must be unique");
      }
    }
  }

  public LayerKind layerKind(String type, String where) {
    return get(layers, "layer", type, where).kind();
  }

  public LossKind lossKind(String type, String where) {
    return get(losses, "loss", type, where).kind();
  }

  public OptimizerKind optimizerKind(String type, String where) {
    return get(optimizers, "optimizer", type, where).kind();
  }

  private static <K> Entry<K> get(Map<String, Entry<K>> map, String category, String type, String where) {
    Entry<K> e = map.get(type);
    if (e == null) {
      throw new UnknownKindException(where, category, type, List.copyOf(map.keySet()));
    }
    return e;
  }

  public List<LayerKind> layerKinds() {
    return layers.values().stream().map(Entry::kind).toList();
  }

  public List<LossKind> lossKinds() {
    return losses.values().stream().map(Entry::kind).toList();
  }

  public List<OptimizerKind> optimizerKinds() {
    return optimizers.values().stream().map(Entry::kind).toList();
  }

  /** The class name of the provider that registered the {@code category} ({@code layer}, ...) kind {@code type}. */
  public String provider(String category, String type) {
    Objects.requireNonNull(category, "category is null");
    Map<String, ? extends Entry<?>> map = switch (category) {
      case "layer" -> layers;
      case "loss" -> losses;
      case "optimizer" -> optimizers;
      default -> throw new IllegalArgumentException("no kind category '" + category + "'");
    };
    Entry<?> e = map.get(type);
    return e == null ? null : e.provider();
  }
}
