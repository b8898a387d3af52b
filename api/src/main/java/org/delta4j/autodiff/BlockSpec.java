package org.delta4j.autodiff;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.delta4j.nn.Layer;
import org.delta4j.nn.LayerContext;
import org.delta4j.spec.FieldReader;
import org.delta4j.spec.FieldWriter;
import org.delta4j.spec.LayerSpec;
import org.delta4j.spec.ParameterSpec;
import org.delta4j.spec.SpecRules;
import org.delta4j.tensor.Shape;

/**
 * A layer that is a graph of layers: each node applies a layer of any registered kind to the block's {@code input}
 * or to other nodes' outputs, merged by adding them (a skip connection) or by joining them along the last axis;
 * {@code output} names the node whose output is the block's (the last node by default). A node's parameters are the
 * block's, under the role {@code node:role}. The nodes may be listed in any order; a cycle among them, or a node the
 * output does not depend on (it would be computed for nothing and its parameters never learn), is rejected here,
 * naming the nodes. Immutable.
 */
public record BlockSpec(String name, List<Node> nodes, String output) implements LayerSpec {
  public static final String TYPE = "block";
  /** The name by which a node takes the block's input. */
  public static final String INPUT = "input";
  /**
   * The most blocks nested one in another: far more than any network needs, and few enough that the recursion
   * through them (comparing, writing, building) stays within a thread's stack.
   */
  public static final int MAX_DEPTH = 64;

  /** How a node combines several inputs before its layer: element-wise sum, or joined along the last axis. */
  public enum Merge { ADD, CONCAT }

  /** A layer (named, unique in the block) and the names of its inputs: {@link #INPUT} or other nodes. */
  public record Node(LayerSpec layer, List<String> inputs, Merge merge) {
    public Node {
      if (layer == null || inputs == null || inputs.isEmpty()) {
        throw new IllegalArgumentException("block node: needs a layer and at least one input, got " + layer + " and "
            + inputs);
      }
      for (int i = 0; i < inputs.size(); i++) {
        if (inputs.get(i) == null) {
          throw new IllegalArgumentException("block node " + layer.name() + ": input " + i + " of " + inputs
              + " is null; name the block's input \"" + INPUT + "\" or another node");
        }
      }
      inputs = List.copyOf(inputs);
      merge = merge == null ? Merge.ADD : merge;
    }

    /** A node whose inputs, when more than one, are added. */
    public static Node of(LayerSpec layer, String... inputs) {
      return new Node(layer, java.util.Arrays.asList(Objects.requireNonNull(inputs, "node inputs is null")), Merge.ADD);
    }

    /** A node whose inputs are joined along the last axis. */
    public static Node concat(LayerSpec layer, String... inputs) {
      return new Node(layer, java.util.Arrays.asList(Objects.requireNonNull(inputs, "node inputs is null")),
          Merge.CONCAT);
    }

    public String name() {
      return layer.name();
    }
  }

  public BlockSpec {
    nodes = withDefaultNames(name, nodes);
    Map<String, Node> byName = new HashMap<>();
    for (Node n : nodes) {
      if (n.name().contains(":")) { // node "b:fc" beside a block "b" of a node "fc" would both own "b:fc:weight"
        throw new IllegalArgumentException(what(name) + ": node name '" + n.name() + "' holds ':', which joins a "
            + "node's name to the roles of its parameters");
      }
      for (String separator : new String[] {".", "/"}) { // a role holds neither: "x.y:weight" was refused as a role
        if (n.name().contains(separator)) {
          throw new IllegalArgumentException(what(name) + ": node name '" + n.name() + "' holds '" + separator
              + "', which " + (separator.equals(".") ? "joins a layer's name to its parameters' roles"
              : "joins a parameter's name to its optimizer state's") + " in a saved model");
        }
      }
      if (n.name().equals(INPUT) || byName.put(n.name(), n) != null) {
        throw new IllegalArgumentException(what(name) + ": node name '" + n.name() + "' is "
            + (n.name().equals(INPUT) ? "reserved for the block's input" : "used twice"));
      }
    }
    for (Node n : nodes) {
      for (String in : n.inputs()) {
        if (!in.equals(INPUT) && !byName.containsKey(in)) {
          throw new IllegalArgumentException(what(name) + ": node '" + n.name() + "' takes '" + in + "', which is "
              + "neither 'input' nor a node of the block " + byName.keySet());
        }
      }
    }
    output = output == null ? nodes.get(nodes.size() - 1).name() : output;
    if (!byName.containsKey(output)) {
      throw new IllegalArgumentException(what(name) + ": the output '" + output + "' is not a node of the block");
    }
    int depth = depth(nodes);
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException(what(name) + ": holds blocks nested " + depth + " deep, more than the "
          + MAX_DEPTH + " a network may have");
    }
    order(name, nodes);
    List<String> unused = unused(nodes, byName, output);
    if (!unused.isEmpty()) {
      throw new IllegalArgumentException(what(name) + ": " + (unused.size() == 1 ? "node '" + unused.get(0) + "' does"
          : "nodes '" + String.join("', '", unused) + "' do") + " not lead to the output '" + output + "': nothing "
          + "the block returns would depend on " + (unused.size() == 1 ? "it" : "them") + ", and no parameter there "
          + "would learn; take " + (unused.size() == 1 ? "it" : "them") + " out, or name the output meant with "
          + "'output'");
    }
  }

  /** The nodes, in the order given, that the output does not take, directly or through other nodes. */
  private static List<String> unused(List<Node> nodes, Map<String, Node> byName, String output) {
    Set<String> reached = new HashSet<>();
    ArrayDeque<String> pending = new ArrayDeque<>(List.of(output));
    while (!pending.isEmpty()) {
      String n = pending.pop();
      if (!n.equals(INPUT) && reached.add(n)) {
        pending.addAll(byName.get(n).inputs());
      }
    }
    return nodes.stream().map(Node::name).filter(n -> !reached.contains(n)).toList();
  }

  /** How many blocks deep this one is: 1, or 1 more than the deepest block among its nodes. */
  public int depth() {
    return depth(nodes);
  }

  private static int depth(List<Node> nodes) {
    return 1 + nodes.stream().mapToInt(n -> n.layer() instanceof BlockSpec b ? b.depth() : 0).max().orElse(0);
  }

  /** The layer of the output node, or the layer that gives that node's output. */
  @Override
  public LayerSpec outputLayer() {
    return nodes.stream().filter(n -> n.name().equals(output)).findFirst().orElseThrow().layer().outputLayer();
  }

  /** A block of these nodes whose output is the last one's. */
  public BlockSpec(Node... nodes) {
    this(null, java.util.Arrays.asList(Objects.requireNonNull(nodes, "nodes is null")), null);
  }

  private static String what(String name) {
    return "block" + (name == null ? "" : " '" + name + "'");
  }

  /** The node {@code n} of this block and its kind's class, as a message names a kind's own fault. */
  String node(Node n) {
    return what(name) + ": node '" + n.name() + "' (" + n.layer().getClass().getName() + ")";
  }

  private static List<Node> withDefaultNames(String name, List<Node> nodes) {
    if (nodes == null || nodes.isEmpty()) {
      throw new IllegalArgumentException(what(name) + ": needs at least one node");
    }
    Map<String, Integer> counts = new HashMap<>();
    List<Node> named = new ArrayList<>();
    for (Node n : nodes) {
      if (n == null) {
        throw new IllegalArgumentException(what(name) + ": node " + named.size() + " is null");
      }
      LayerSpec l = n.layer();
      String node = what(name) + ": node " + named.size() + " (" + l.getClass().getName() + ")";
      if (l.type() == null || l.type().isBlank()) {
        // as a layer of the network: the type names the node in messages, its JSON and its default name
        throw new IllegalArgumentException(node + " has no type name: type() returned " + (l.type() == null ? "null"
            : "'" + l.type() + "'"));
      }
      int k = counts.merge(l.kindLabel(), 1, Integer::sum);
      if (l.name() != null) {
        named.add(n);
        continue;
      }
      String given = l.kindLabel() + k;
      LayerSpec renamed = l.withName(given);
      // inputs and the output name nodes: a kind that drops the name given left a node no one could name
      if (renamed == null || !given.equals(renamed.name())) {
        String got = renamed == null ? "null" : "a layer named " + (renamed.name() == null ? "null"
            : "'" + renamed.name() + "'");
        throw new IllegalArgumentException(node + ": withName(\"" + given + "\") gave " + got + "; a kind gives a "
            + "copy of itself under the name asked");
      }
      named.add(new Node(renamed, n.inputs(), n.merge()));
    }
    return List.copyOf(named);
  }

  /**
   * The nodes in an order where each comes after its inputs (depth first); a cycle is an error naming it. The search
   * keeps its own stack, not the thread's: a chain of nodes listed from the output back is as deep as it is long, and
   * a description file may hold hundreds of thousands.
   */
  private static List<Node> order(String name, List<Node> nodes) {
    Map<String, Node> byName = new LinkedHashMap<>();
    nodes.forEach(n -> byName.put(n.name(), n));
    List<Node> order = new ArrayList<>();
    Map<String, Boolean> done = new HashMap<>(); // false while on the path, true once placed
    List<Node> path = new ArrayList<>();
    List<Integer> nextInput = new ArrayList<>(); // for each node on the path, the input to look at next
    for (Node root : nodes) {
      if (done.containsKey(root.name())) {
        continue;
      }
      done.put(root.name(), false);
      path.add(root);
      nextInput.add(0);
      while (!path.isEmpty()) {
        int top = path.size() - 1;
        Node n = path.get(top);
        int i = nextInput.get(top);
        if (i == n.inputs().size()) {
          path.remove(top);
          nextInput.remove(top);
          done.put(n.name(), true);
          order.add(n);
          continue;
        }
        nextInput.set(top, i + 1);
        String in = n.inputs().get(i);
        Boolean state = done.get(in);
        if (in.equals(INPUT) || Boolean.TRUE.equals(state)) {
          continue;
        }
        if (Boolean.FALSE.equals(state)) {
          List<String> names = new ArrayList<>(path.stream().map(Node::name).toList());
          names.add(in);
          List<String> cycle = names.subList(names.indexOf(in), names.size());
          throw new IllegalArgumentException(what(name) + ": its nodes form a cycle, " + String.join(" ← ", cycle)
              + " (each takes the next as input); a node may take only the block's input and nodes that do not depend "
              + "on it");
        }
        done.put(in, false);
        path.add(byName.get(in));
        nextInput.add(0);
      }
    }
    return order;
  }

  public static BlockSpec read(FieldReader f) {
    List<Node> nodes = new ArrayList<>();
    for (FieldReader n : f.objects("nodes")) {
      nodes.add(n.read(r -> new Node(r.layer("layer"), r.texts("inputs", List.of(INPUT)),
          r.enumValue("merge", Merge.class, Merge.ADD))));
    }
    return new BlockSpec(f.name(), nodes, f.has("output") ? f.text("output", null) : null);
  }

  @Override
  public void writeFields(FieldWriter out) {
    for (Node n : nodes) {
      out.appendObject("nodes").put("inputs", n.inputs()).put("merge", n.merge()).object("layer").layer(n.layer());
    }
    out.put("output", output);
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public BlockSpec withName(String name) {
    return new BlockSpec(name, nodes, output);
  }

  /** Each node's input shape (after merging) and output shape, in dependency order, for this block input. */
  Map<String, Shape[]> shapes(Shape input) {
    Map<String, Shape[]> shapes = new LinkedHashMap<>();
    for (Node n : order(name, nodes)) {
      Shape in = null;
      for (String from : n.inputs()) {
        Shape s = from.equals(INPUT) ? input : shapes.get(from)[1];
        in = in == null ? s : merged(n, in, s);
      }
      Shape out;
      try {
        out = n.layer().outputShape(in);
      } catch (IllegalArgumentException e) { // the kind says why; which node of the block, and its input, is said here
        throw new IllegalArgumentException(what(name) + ": node '" + n.name() + "' (" + n.layer().type()
            + ") cannot take an input of shape " + in + ": " + e.getMessage(), e);
      }
      if (out == null) { // said here: the next node, or the network, would take it for an input that does not fit
        throw new IllegalArgumentException(node(n) + ": its outputShape(" + in + ") gave null; a kind gives the "
            + "shape, or throws IllegalArgumentException naming why the input does not fit");
      }
      shapes.put(n.name(), new Shape[] {in, out});
    }
    return shapes;
  }

  private Shape merged(Node n, Shape a, Shape b) {
    boolean fits = n.merge() == Merge.ADD ? a.equals(b) : sameButLast(a, b);
    if (!fits) {
      throw new IllegalArgumentException(what(name) + ": node '" + n.name() + "' cannot " + (n.merge() == Merge.ADD
          ? "add" : "join along the last axis") + " inputs of shapes " + a + " and " + b);
    }
    if (n.merge() == Merge.ADD) {
      return a;
    }
    long last = (long) a.last() + b.last(); // two lengths of an int each: their sum, in an int, wrapped to negative
    if (a.size() / a.last() * last > SpecRules.MAX_TENSOR_VALUES) {
      throw new IllegalArgumentException(what(name) + ": node '" + n.name() + "' cannot join inputs of shapes " + a
          + " and " + b + " along the last axis: one sample of the joined input would hold " + a.size() / a.last()
          * last + " values, more than one tensor holds (" + SpecRules.MAX_TENSOR_VALUES + ")");
    }
    int[] d = a.dims();
    d[d.length - 1] = (int) last;
    return Shape.of(d);
  }

  private static boolean sameButLast(Shape a, Shape b) {
    if (a.rank() != b.rank()) {
      return false;
    }
    for (int i = 0; i < a.rank() - 1; i++) {
      if (a.dim(i) != b.dim(i)) {
        return false;
      }
    }
    return true;
  }

  /** The nodes in dependency order. */
  List<Node> ordered() {
    return order(name, nodes);
  }

  @Override
  public Shape outputShape(Shape input) {
    return shapes(input).get(output)[1];
  }

  @Override
  public List<ParameterSpec> parameters(Shape input) {
    return declared(input, false);
  }

  @Override
  public List<ParameterSpec> buffers(Shape input) {
    return declared(input, true);
  }

  private List<ParameterSpec> declared(Shape input, boolean buffers) {
    Map<String, Shape[]> shapes = shapes(input);
    List<ParameterSpec> out = new ArrayList<>();
    for (Node n : nodes) {
      Shape in = shapes.get(n.name())[0];
      List<ParameterSpec> specs = buffers ? n.layer().buffers(in) : n.layer().parameters(in);
      String hollow = SpecRules.hollow(specs);
      if (hollow != null) {
        throw new IllegalArgumentException(node(n) + ": its " + (buffers ? "buffers" : "parameters") + "(" + in
            + ") gave " + hollow);
      }
      for (ParameterSpec p : specs) {
        out.add(new ParameterSpec(role(n, p), p.shape(), p.initializer(), p.fanIn(), p.fanOut()));
      }
    }
    return out;
  }

  /** Asks the node whose buffer it is (the role is "node:role"). */
  @Override
  public String refusedBufferValue(String role, double value) {
    Objects.requireNonNull(role, () -> what(name) + ": buffer role is null");
    int colon = role.indexOf(':');
    for (Node n : nodes) {
      if (colon > 0 && n.name().equals(role.substring(0, colon))) {
        return n.layer().refusedBufferValue(role.substring(colon + 1), value);
      }
    }
    return null;
  }

  static String role(Node n, ParameterSpec p) {
    return n.name() + ":" + p.role();
  }

  @Override
  public Layer build(LayerContext c) {
    return new BlockLayer(this, c);
  }

  @Override
  public String summary() {
    return "block(" + String.join(", ", nodes.stream().map(n -> n.layer().summary()).toList()) + ")";
  }
}
