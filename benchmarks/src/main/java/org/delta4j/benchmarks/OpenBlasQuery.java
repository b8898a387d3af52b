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

  /** {config, core name, threads}. */
  static String[] configAndCore() throws Throwable {
    MethodHandle threads = CLinker.getInstance().downcallHandle(address("openblas_get_num_threads"),
        MethodType.methodType(int.class), FunctionDescriptor.of(CLinker.C_INT));
    return new String[] {string("openblas_get_config"), string("openblas_get_corename"),
        Integer.toString((int) threads.invokeExact())};
  }

  private static String string(String function) throws Throwable {
    MethodHandle h = CLinker.getInstance().downcallHandle(address(function),
        MethodType.methodType(MemoryAddress.class), FunctionDescriptor.of(CLinker.C_POINTER));
    return CLinker.toJavaString((MemoryAddress) h.invokeExact());
  }

  private static MemoryAddress address(String function) {
    long address = org.bytedeco.javacpp.Loader.addressof(function).address();
    if (address == 0) {
      throw new IllegalStateException(function + " not found in the loaded libraries");
    }
    return MemoryAddress.ofLong(address);
  }
}
