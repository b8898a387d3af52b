package org.delta4j.dsl;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.delta4j.tensor.DataType;

/**
 * Marks an interface as a network spec: each abstract method is one layer, in declaration order, annotated with
 * {@link Dense}, {@link Dropout}, {@link Activation} or any {@link LayerAnnotation} type; the interface carries {@link
 * Input}, the loss ({@link Loss} or any {@link LossAnnotation} type), at most one optimizer ({@link Adam}, {@link Sgd},
 * ..., or any {@link OptimizerAnnotation} type), at most one learning-rate schedule ({@link StepDecay}, {@link
 * ExponentialDecay}, {@link CosineDecay}) and the settings here. The annotation processor generates a class,
 * by default named after the interface with "Spec" replaced by "Network" ({@code XorSpec} → {@code XorNetwork}).
 */
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface NeuralNetwork {
  /** The seed the weights are drawn from. */
  long seed() default 42;

  /** The generated class's simple name; empty for the default. */
  String className() default "";

  /** The element type the generated {@code create} and {@code load} methods build the network in. */
  DataType dataType() default DataType.FLOAT32;
}
