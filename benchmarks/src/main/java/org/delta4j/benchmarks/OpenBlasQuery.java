package org.delta4j.benchmarks;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import jdk.incubator.foreign.CLinker;
import jdk.incubator.foreign.FunctionDescriptor;
import jdk.incubator.foreign.MemoryAddress;

/**
 * Asks the OpenBLAS that ND4J loaded what it is: {@code openblas_get_config()} (version and build) and
 * {@code openblas_get_corename()} (the core type whose kernels it chose for this CPU). The bytedeco binding exposes
 * neither function, so they are called through the JDK's foreign linker (incubating in Java 17: the JVM needs
 * {@code --add-modules jdk.incubator.foreign --enable-native-access=ALL-UNNAMED}). Loaded by name only when ND4J is.
 */
final class OpenBlasQuery {
  private OpenBlasQuery() {}

  /** {config, core name}. */
  static String[] configAndCore() throws Throwable {
    return new String[] {string("openblas_get_config"), string("openblas_get_corename")};
  }

  private static String string(String function) throws Throwable {
    long address = org.bytedeco.javacpp.Loader.addressof(function).address();
    if (address == 0) {
      throw new IllegalStateException(function + " not found in the loaded libraries");
    }
    MethodHandle h = CLinker.getInstance().downcallHandle(MemoryAddress.ofLong(address),
        MethodType.methodType(MemoryAddress.class), FunctionDescriptor.of(CLinker.C_POINTER));
    return CLinker.toJavaString((MemoryAddress) h.invokeExact());
  }
}
