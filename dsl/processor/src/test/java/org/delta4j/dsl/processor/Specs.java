package org.delta4j.dsl.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.InputStream;
import javax.tools.JavaFileObject;
import org.delta4j.spec.NetworkSpec;

/** Spec sources for the tests, compiled with the processor, and the assertion that mistakes are reported. */
final class Specs {
  static final String HEADER = String.join("\n",
      "package test;",
      "",
      "import org.delta4j.dsl.*;",
      "import org.delta4j.spec.*;",
      "import org.delta4j.tensor.DataType;",
      "") + "\n";

  /** The line the body of a {@link #spec} starts on. */
  static final int FIRST_LINE = 7;

  private Specs() {}

  /** A spec source in package {@code test} whose body starts on line {@value #FIRST_LINE}. */
  static JavaFileObject spec(String name, String... body) {
    return JavaFileObjects.forSourceString("test." + name, HEADER + String.join("\n", body) + "\n");
  }

  /** Compiles with the processor and every lint. */
  static Compilation compile(JavaFileObject... sources) {
    return Compiler.javac().withProcessors(new NetworkProcessor()).withOptions("-Xlint:all").compile(sources);
  }

  /** The class {@code name} as compiled (with the generated sources), loaded for real. */
  static Class<?> load(Compilation c, String name) throws ClassNotFoundException {
    ClassLoader loader = new ClassLoader(Specs.class.getClassLoader()) {
      @Override
      protected Class<?> findClass(String className) throws ClassNotFoundException {
        String path = "/" + className.replace('.', '/') + ".class";
        for (JavaFileObject f : c.generatedFiles()) {
          if (f.getKind() == JavaFileObject.Kind.CLASS && f.toUri().getPath().endsWith(path)) {
            try (InputStream in = f.openInputStream()) {
              byte[] bytes = in.readAllBytes();
              return defineClass(className, bytes, 0, bytes.length);
            } catch (IOException e) {
              throw new ClassNotFoundException(className, e);
            }
          }
        }
        throw new ClassNotFoundException(className);
      }
    };
    return Class.forName(name, true, loader);
  }

  /** The generated {@code SPEC} of class {@code name}, loaded for real. */
  static NetworkSpec generatedSpec(Compilation c, String name) throws ReflectiveOperationException {
    return (NetworkSpec) load(c, name).getField("SPEC").get(null);
  }

  /** An error expected: a part of its message and its line. */
  record Expected(String message, int line) {}

  /** Asserts that compiling {@code source} fails with exactly these errors, each on its line, and nothing else. */
  static void fails(JavaFileObject source, Expected... errors) {
    Compilation c = compile(source);
    assertThat(c).failed();
    for (Expected e : errors) {
      assertThat(c).hadErrorContaining(e.message()).inFile(source).onLine(e.line());
    }
    assertThat(c).hadErrorCount(errors.length);
  }
}
