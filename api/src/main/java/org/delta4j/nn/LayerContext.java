package org.delta4j.nn;

import java.util.Map;
import org.delta4j.engine.Engine;
import org.delta4j.engine.Kernels;
import org.delta4j.tensor.DataType;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;

/**
 * What a {@link org.delta4j.spec.LayerSpec} builds its {@link Layer} with: the layer's name and per-sample input
 * shape, the engine and data type, the parameters and buffers the network created from the spec's declarations
 * (already initialised), and a seed for stochastic layers that differs between the layers of one network.
 */
public final class LayerContext {
  private final String name;
  private final Shape inputShape;
  private final Engine engine;
  private final DataType dataType;
  private final long seed;
  private final Map<String, Parameter> parameters;
  private final Map<String, Tensor> buffers;

  LayerContext(String name, Shape inputShape, Engine engine, DataType dataType, long seed,
      Map<String, Parameter> parameters, Map<String, Tensor> buffers) {
    this.name = name;
    this.inputShape = inputShape;
    this.engine = engine;
    this.dataType = dataType;
    this.seed = seed;
    this.parameters = parameters;
    this.buffers = buffers;
  }

  /** A context for building a layer outside a network (tests, benchmarks), with parameters made by the caller. */
  public static LayerContext of(String name, Shape inputShape, Engine engine, DataType dataType, long seed,
      Map<String, Parameter> parametersByRole, Map<String, Tensor> buffersByRole) {
    return new LayerContext(name, inputShape, engine, dataType, seed, Map.copyOf(parametersByRole),
        Map.copyOf(buffersByRole));
  }

  public String name() {
    return name;
  }

  /** The shape of one input sample. */
  public Shape inputShape() {
    return inputShape;
  }

  public Engine engine() {
    return engine;
  }

  public Kernels kernels() {
    return engine.kernels();
  }

  public DataType dataType() {
    return dataType;
  }

  /** A seed for the layer's random draws (dropout masks), derived from the network's seed and the layer's index. */
  public long seed() {
    return seed;
  }

  /** The parameter the spec declared with this role. */
  public Parameter parameter(String role) {
    Parameter p = parameters.get(role);
    if (p == null) {
      throw new IllegalArgumentException("layer '" + name + "' asks for parameter '" + role + "' but declares only "
          + parameters.keySet());
    }
    return p;
  }

  /** The buffer (non-trained state, such as running statistics) the spec declared with this role. */
  public Tensor buffer(String role) {
    Tensor t = buffers.get(role);
    if (t == null) {
      throw new IllegalArgumentException("layer '" + name + "' asks for buffer '" + role + "' but declares only "
          + buffers.keySet());
    }
    return t;
  }
}
