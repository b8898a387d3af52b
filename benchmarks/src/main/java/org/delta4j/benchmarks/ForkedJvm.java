package org.delta4j.benchmarks;

/**
 * What every benchmark's forked JVM is given, so that {@code java -jar benchmarks.jar <Benchmark>} measures what
 * {@code benchmarks/run} and {@code bin/delta4j} run: the Vector API module, without which the reference engine runs
 * its scalar kernels (the MLP's training step some twenty times slower) and {@link FmaPeakBenchmark} cannot load. A
 * {@code -jvmArgsAppend} on JMH's command line takes its place.
 */
final class ForkedJvm {
  static final String VECTOR_API = "--add-modules=jdk.incubator.vector";

  private ForkedJvm() {}
}
