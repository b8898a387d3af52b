package org.delta4j.dsl.processor;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Set;
import java.util.function.UnaryOperator;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;

/**
 * The processor run in an environment the test changes — a filer that records, utilities that fail — as a build
 * tool's wrapper (Gradle's, for one) would.
 */
final class WrappedProcessor extends AbstractProcessor {
  private final NetworkProcessor processor = new NetworkProcessor();
  private final UnaryOperator<ProcessingEnvironment> wrap;

  WrappedProcessor(UnaryOperator<ProcessingEnvironment> wrap) {
    this.wrap = wrap;
  }

  @Override
  public synchronized void init(ProcessingEnvironment env) {
    super.init(env);
    processor.init(wrap.apply(env));
  }

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return processor.getSupportedAnnotationTypes();
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return processor.getSupportedSourceVersion();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    return processor.process(annotations, round);
  }

  /** {@code target} with the method named {@code name} answered by {@code replacement} instead. */
  static <T> T replacing(Class<T> type, T target, String name, InvocationHandler replacement) {
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, args) -> {
      if (m.getName().equals(name)) {
        return replacement.invoke(p, m, args);
      }
      return invoke(m, target, args);
    }));
  }

  static Object invoke(Method m, Object target, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
