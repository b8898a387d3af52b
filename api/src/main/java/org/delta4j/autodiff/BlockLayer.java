package org.delta4j.autodiff;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.delta4j.nn.Layer;
import org.delta4j.nn.LayerContext;
import org.delta4j.nn.Mode;
import org.delta4j.nn.Parameter;
import org.delta4j.random.SplitMix64;
import org.delta4j.spec.ParameterSpec;
import org.delta4j.tensor.Shape;
import org.delta4j.tensor.Tensor;

/**
 * The layer a {@link BlockSpec} builds: each node's layer built by its own spec, applied on the block's tape in
 * dependency order, so that backward runs the nodes in reverse and an output used by two nodes (a skip connection)
 * gets the sum of both gradients.
 */
final class BlockLayer extends TapeLayer {
  private final BlockSpec spec;
  private final List<BlockSpec.Node> order;
  private final Map<String, Layer> layers = new HashMap<>();
  private final Map<String, Shape> inputShapes = new HashMap<>();
  private final Map<String, Value> outputs = new HashMap<>();
  private final List<Parameter> parameters = new ArrayList<>();

  BlockLayer(BlockSpec spec, LayerContext c) {
    super(BlockSpec.TYPE, c, spec.outputShape(c.inputShape()));
    this.spec = spec;
    this.order = spec.ordered();
    Map<String, Shape[]> shapes = spec.shapes(c.inputShape());
    for (int i = 0; i < spec.nodes().size(); i++) {
      BlockSpec.Node n = spec.nodes().get(i);
      Shape in = shapes.get(n.name())[0];
      Map<String, Parameter> ps = new LinkedHashMap<>();
      for (ParameterSpec p : n.layer().parameters(in)) {
        ps.put(p.role(), c.parameter(BlockSpec.role(n, p)));
      }
      Map<String, Tensor> bs = new LinkedHashMap<>();
      for (ParameterSpec b : n.layer().buffers(in)) {
        bs.put(b.role(), c.buffer(BlockSpec.role(n, b)));
      }
      Layer layer = n.layer().build(LayerContext.of(c.name() + "/" + n.name(), in, c.engine(), c.dataType(),
          SplitMix64.mix(c.seed() + SplitMix64.mix(i + 1)), ps, bs));
      if (layer == null) { // as the network says of a layer of its own, where the block dereferenced it
        throw new IllegalStateException(spec.node(n) + " built no layer (null)");
      }
      // held to what its spec declared, as the network holds its own layers: the shapes and parameters of the block
      // are the declared ones, so a layer that says otherwise was blamed on the node after it, or on a merge
      List<String> made = layer.parameters().stream().map(p -> p.name() + p.value().shape()).toList();
      List<String> declared = ps.values().stream().map(p -> p.name() + p.value().shape()).toList();
      Shape out = shapes.get(n.name())[1];
      if (!made.equals(declared) || !layer.outputShape().equals(out)) {
        throw new IllegalStateException(spec.node(n) + " declares parameters " + declared + " and output shape " + out
            + " for input " + in + ", but the layer it built has parameters " + made + " and output shape "
            + layer.outputShape());
      }
      layers.put(n.name(), layer);
      inputShapes.put(n.name(), in);
      parameters.addAll(layer.parameters());
    }
  }

  @Override
  Value record(Value x, Mode mode) {
    outputs.clear();
    outputs.put(BlockSpec.INPUT, x);
    for (BlockSpec.Node n : order) {
      outputs.put(n.name(), tape.apply(layers.get(n.name()), merged(n, x.shape().dim(0)), mode));
    }
    return outputs.get(spec.output());
  }

  /** The node's input: its one input, or the sum of its inputs, or them joined along the last axis. */
  private Value merged(BlockSpec.Node n, int rows) {
    List<String> from = n.inputs();
    Value in = outputs.get(from.get(0));
    if (from.size() == 1) {
      return in;
    }
    if (n.merge() == BlockSpec.Merge.ADD) {
      for (int i = 1; i < from.size(); i++) {
        in = in.add(outputs.get(from.get(i)));
      }
      return in;
    }
    Value[] parts = new Value[from.size()];
    for (int i = 0; i < parts.length; i++) {
      Value v = outputs.get(from.get(i));
      parts[i] = v.reshape((int) (v.shape().size() / v.shape().last()), v.shape().last());
    }
    int[] dims = inputShapes.get(n.name()).withBatch(rows).dims();
    return tape.concat(1, parts).reshape(dims);
  }

  @Override
  public List<Parameter> parameters() {
    return parameters;
  }
}
