package org.delta4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.Partitioner;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.apache.hadoop.conf.Configuration;
import org.delta4j.io.NetworkSpecJson;
import org.delta4j.io.SavedModel;
import org.delta4j.io.TrainingProgress;
import org.delta4j.nn.Network;
import org.delta4j.tensor.DataType;
import org.delta4j.train.EpochResult;
import org.slf4j.LoggerFactory;
import scala.Tuple2;
import scala.collection.JavaConverters;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * Synchronous data-parallel SGD on Spark. Each batch of the epoch's order ({@link StepPlan}) is split into blocks held
 * by the workers; each worker computes its blocks' gradients with its own copy of the network on its engine; the
 * blocks' vectors are added in the one order of {@link GradientTree}; and every copy applies the same optimizer step,
 * so the copies stay equal without weights being sent. The result is bit for bit that of {@link FixedOrderSgd} with the
 * same plan, whatever the number of workers. Three {@link Reduction}s: one job per step, whose nodes meet in {@code
 * treeAggregate} on the driver, which sends their sum with the next step's tasks; or one barrier stage per epoch whose
 * tasks exchange their nodes each step with {@code BarrierTaskContext.allGather}, or sum them by a partitioned
 * all-reduce between themselves (the default). The weights and optimizer state travel once per epoch. Immutable;
 * {@link #fit} trains the driver's network in place.
 */
public final class SparkTrainer {
  /** How the workers' gradients are summed each step. */
  public enum Reduction {
    /**
     * One job per step; nodes gathered by {@code treeAggregate}, the sum shipped with the next step's tasks. For
     * clusters where a barrier stage cannot be scheduled (see the module's README).
     */
    TREE_AGGREGATE,
    /** One barrier stage per epoch; nodes exchanged between its tasks by {@code allGather}; weights sent per epoch. */
    BARRIER_ALL_GATHER,
    /**
     * One barrier stage per epoch whose tasks sum each step's nodes by a partitioned all-reduce over connections of
     * their own ({@link PeerExchange}); weights sent per epoch, nothing through the driver per step.
     */
    PEER_ALL_REDUCE
  }

  /** Where each worker finds the rows of its blocks, epoch after epoch. Either gives the same bits. */
  public enum Placement {
    /**
     * Each epoch, one shuffle moves every row, packed ({@link PackedRows}), to the worker of its block: data of any
     * size, moved anew every epoch.
     */
    SHUFFLE_EACH_EPOCH,
    /**
     * Once a fit, every worker receives all rows, packed, and keeps them cached (in Spark's storage, so a lost
     * executor's copy is made again); each epoch it takes its blocks' rows from its copy and no row moves. Every
     * executor's storage must hold the data (4 bytes a value where the features are floats widened to doubles, else
     * 8), and its heap the worker's rows of an epoch besides, in doubles.
     */
    COPY_TO_EVERY_WORKER
  }

  private static final String STALE = "delta4j: worker state is stale";

  /** Who configured the trainer, so that an error names the setting as that caller knows it. */
  enum Caller {
    BUILDER,
    /** {@link Delta4jClassifier}: its params. */
    ESTIMATOR,
    /** {@code train --spark}: its options. */
    COMMAND_LINE
  }

  /**
   * Where training stands: {@code step} of the {@code steps} of {@code epoch} are done, and the driver's network holds
   * the weights after them.
   */
  public record Progress(int epoch, int step, int steps) {}

  private final int epochs;
  private final int batchSize;
  private final int blocks;
  private final int workers;
  private final long seed;
  private final boolean shuffle;
  private final Reduction reduction;
  private final Placement placement;
  private final Consumer<EpochResult> listener;
  private final int reportsPerEpoch;
  private final Consumer<Progress> progress;
  private final String checkpoint;
  private final String resumeFrom;
  private final Caller caller;

  private SparkTrainer(Builder b) {
    this.epochs = b.epochs;
    this.batchSize = b.batchSize;
    this.blocks = b.blocks;
    this.workers = b.workers;
    this.seed = b.seed;
    this.shuffle = b.shuffle;
    this.reduction = b.reduction;
    this.placement = b.placement;
    this.listener = b.listener;
    this.reportsPerEpoch = b.reportsPerEpoch;
    this.progress = b.progress;
    this.checkpoint = b.checkpoint;
    this.resumeFrom = b.resumeFrom;
    this.caller = b.caller;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Trains {@code network} (on the driver; the workers build their copies on the same engine, by name) on the
   * features and label columns of {@code data}, and returns each epoch's training loss and accuracy. With {@link
   * Builder#resumeFrom} the network first takes the checkpoint's weights and optimizer state and training continues
   * after the checkpoint's last epoch up to {@link Builder#epochs}; only the epochs trained now are returned. With
   * {@link Builder#checkpoint} a checkpoint is written at the end of every epoch.
   *
   * @throws IllegalArgumentException when the data does not fit the network, naming the column and the sizes; when
   *     the checkpoint to resume from was trained with other settings, naming the one that differs
   */
  public List<EpochResult> fit(Network network, Dataset<Row> data, String featuresCol, String labelCol) {
    SparkArguments.present("the network to train", network);
    SparkArguments.present("the data to train on", data);
    SparkArguments.present("the features column's name", featuresCol);
    SparkArguments.present("the label column's name", labelCol);
    BlockGradients.checkClassifier(network);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext());
    int w = workers > 0 ? workers : jsc.defaultParallelism();
    int slots = taskSlots(jsc);
    if (reduction != Reduction.TREE_AGGREGATE && w > slots) {
      throw new IllegalArgumentException(tooManyWorkers(w, slots, jsc.isLocal()));
    }
    Configuration files = jsc.hadoopConfiguration();
    if (checkpoint != null) { // before any data is read, not after an epoch
      HadoopFiles.requireWritableFile(checkpoint, files);
    }
    // read before any data, so that a run that cannot resume fails at once
    byte[] resumed = resumeFrom != null ? HadoopFiles.read(resumeFrom, files) : null;
    TrainingSettings saved = resumed != null
        ? TrainingSettings.fromJson(ModelBytes.run(resumed, resumeFrom), resumeFrom) : null;
    // Blocks not given are the checkpoint's, whatever the workers now: they fix the arithmetic, the workers do not.
    int blockCount = blocks > 0 ? blocks : saved != null ? saved.blocks() : Math.min(w, batchSize);
    String warning = blocksWarning(network, blockCount, saved != null);
    if (warning != null) {
      LoggerFactory.getLogger(SparkTrainer.class).warn(warning);
    }
    TrainingSettings settings = new TrainingSettings(NetworkSpecJson.write(network.spec()), network.engine().name(),
        network.dataType().name(), seed, batchSize, blockCount, shuffle, null);
    List<EpochResult> history = new ArrayList<>();
    if (resumed != null) {
      history.addAll(resume(network, settings, saved, resumed));
    }
    JavaRDD<Sample> samples = TrainingData.samples(data, featuresCol, labelCol, network.inputShape().intSize(),
        network.outputShape().dim(0), network.dataType());
    PeerRendezvous rendezvous = reduction == Reduction.PEER_ALL_REDUCE ? rendezvous(jsc) : null;
    JavaPairRDD<Integer, PackedRows> copied = null;
    String id = UUID.randomUUID().toString();
    boolean done = false;
    try {
      long rows = samples.count();
      if (rows == 0) {
        throw new IllegalArgumentException("the data has no rows to train on (features column '" + featuresCol
            + "', label column '" + labelCol + "')");
      }
      // the epochs' order, so the bits, follow each row's place: a resumed run is held to the rows it started on,
      // and a checkpoint records them (a pass over the data, taken only for one or the other)
      if (checkpoint != null || saved != null) {
        settings = settings.withData(TrainingData.fingerprint(samples, rows));
      }
      if (saved != null) {
        settings.requireSameAs(saved, resumeFrom);
      }
      StepPlan plan = new StepPlan(rows, batchSize, blockCount, w, seed, shuffle);
      copied = placement == Placement.COPY_TO_EVERY_WORKER ? copyToEveryWorker(samples, plan) : null;
      List<EpochResult> results = new ArrayList<>();
      for (int epoch = history.size() + 1; epoch <= epochs; epoch++) {
        long start = System.nanoTime();
        double rate = network.optimizer().currentLearningRate();
        JavaPairRDD<Integer, PackedRows> placed = copied != null ? copied : place(samples, plan, epoch);
        double[] lossAndCorrect = {0, 0};
        int[] cuts = cuts(plan.steps());
        for (int part = 0; part + 1 < cuts.length; part++) {
          double[] p = reduction == Reduction.TREE_AGGREGATE
              ? treeAggregateEpoch(jsc, network, placed, copied != null, plan, epoch,
                  id + "/" + epoch + "/" + part, cuts[part], cuts[part + 1], lossAndCorrect[0])
              : barrierEpoch(jsc, network, placed, copied != null, plan, epoch, cuts[part], cuts[part + 1],
                  epoch == epochs && part + 2 == cuts.length, lossAndCorrect[0], id,
                  rendezvous == null ? null : rendezvous.address(), id + "/epoch " + epoch + "/part " + part);
          lossAndCorrect[0] = p[0];
          lossAndCorrect[1] += p[1];
          if (progress != null) {
            progress.accept(new Progress(epoch, cuts[part + 1], plan.steps()));
          }
        }
        EpochResult r = new EpochResult(epoch, lossAndCorrect[0] / plan.samples(),
            lossAndCorrect[1] / plan.samples(), Double.NaN, Double.NaN, rate, (System.nanoTime() - start) / 1e9);
        results.add(r);
        history.add(r);
        if (checkpoint != null) {
          HadoopFiles.write(checkpoint, ModelBytes.of(network, new TrainingProgress(epoch, history),
              settings.toJson()), files);
        }
        if (listener != null) {
          listener.accept(r);
        }
      }
      done = true;
      return results;
    } finally {
      if (rendezvous != null) {
        rendezvous.close();
      }
      if (copied != null) {
        copied.unpersist(false);
      }
      samples.unpersist(false);
      // A fit that ends early (a checkpoint that cannot be written, a listener that throws) leaves the workers'
      // networks and rows kept for stages that will not come.
      forget(jsc, id, done ? 0 : slots);
    }
  }

  /**
   * Why {@code w} workers cannot run at once on {@code slots} task slots, in the words of the caller that chose them
   * (the builder, the estimator's params, or train --spark's options).
   */
  private String tooManyWorkers(int w, int slots, boolean local) {
    String has = "Spark has " + slots + (slots == 1 ? " task slot" : " task slots") + (local ? ""
        : " (its default parallelism)");
    String defaulted = workers > 0 ? "" : " (the context's default parallelism)";
    return switch (caller) {
      case ESTIMATOR -> "param workers is " + workers + (workers > 0 ? "" : ", the context's default parallelism: " + w
          + " workers") + ", but the workers train at once and " + has + ": set param workers to at most " + slots;
      case COMMAND_LINE -> (workers > 0 ? "--workers " + w : w + " workers" + defaulted) + ": the workers train at "
          + "once, but " + has + ": give --workers " + slots + " or fewer";
      case BUILDER -> "reduction " + reduction + " runs its " + w + " workers" + defaulted + " at once, but " + has
          + ": use at most that many workers (workers(" + slots + ")), or reduction(TREE_AGGREGATE), whose tasks "
          + "need not run at once";
    };
  }

  /**
   * The warning that a network with buffers (batch normalization's running statistics) trains on blocks whose number
   * follows the cluster: each block is normalized by its own statistics, so the model would differ on another. Null
   * where the blocks are given, or fixed by a checkpoint or the workers, where there is one, or no buffers.
   */
  String blocksWarning(Network network, int blockCount, boolean resumed) {
    if (blocks > 0 || resumed || workers > 0 || blockCount < 2 || network.buffers().isEmpty()) {
      return null; // blocks set, or fixed by the checkpoint or the workers, or one block, or nothing to normalize
    }
    String set = switch (caller) {
      case ESTIMATOR -> "set param blocks (1: the whole batch's statistics, as on one machine)";
      case COMMAND_LINE -> "give --workers, which the blocks follow,";
      case BUILDER -> "set blocks(…) (1: the whole batch's statistics, as on one machine)";
    };
    return "the network has buffers (" + String.join(", ", network.buffers().keySet()) + "): batch normalization "
        + "normalizes each of the " + blockCount + " blocks of a batch of " + batchSize + " rows by the block's own "
        + "statistics, and the blocks are one per worker, " + blockCount + " here from the Spark context's default "
        + "parallelism, so another cluster trains another model: " + set + " to train the same model on any "
        + "cluster";
  }

  /**
   * Drops what the workers of fit {@code fit} keep in this JVM (all of them in local mode), and with {@code tasks}
   * above 0 on a cluster, where it could only be dropped by the next fit's tasks, by a job of that many tasks that does
   * the same in the executors it reaches, waited for at most {@link #FORGET_SECONDS}: after a failure, Spark may be in
   * no state to run it.
   */
  private static void forget(JavaSparkContext jsc, String fit, int tasks) {
    forget(fit);
    if (tasks > 0 && !jsc.isLocal() && !jsc.sc().isStopped()) {
      JavaFutureAction<Void> job = null;
      try {
        job = jsc.parallelize(java.util.stream.IntStream.range(0, tasks).boxed().toList(), tasks)
            .foreachAsync(i -> forget(fit));
        job.get(FORGET_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception e) { // best effort: the next fit's tasks drop what remains
        if (job != null) {
          job.cancel(true);
        }
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private static final int FORGET_SECONDS = 10;

  /** Drops what the workers of fit {@code fit} keep in this JVM. */
  static void forget(String fit) {
    KEPT.keySet().removeIf(k -> k.startsWith(fit + "/"));
    SHARDS.keySet().removeIf(k -> k.startsWith(fit + "/"));
  }

  /** How many workers' networks and rows this JVM keeps between stages, of every fit (for tests). */
  static int kept() {
    return KEPT.size() + SHARDS.size();
  }

  /**
   * The steps at which an epoch of {@code steps} steps is cut into {@link Builder#reportsPerEpoch} parts of (nearly)
   * equal length, 0 and {@code steps} included; parts without steps are dropped.
   */
  private int[] cuts(int steps) {
    return java.util.stream.IntStream.rangeClosed(0, reportsPerEpoch)
        .map(i -> (int) ((long) steps * i / reportsPerEpoch)).distinct().toArray();
  }

  /**
   * The tasks a barrier stage can run at once. In local mode that is exactly the cores Spark runs tasks on, which
   * {@code spark.default.parallelism} may overstate: a barrier stage of more tasks would wait for slots that never come
   * (Spark retries its slot check for minutes, SPARK-24819). On a cluster, whose executors may still be registering,
   * it is the default parallelism.
   */
  static int taskSlots(JavaSparkContext jsc) {
    SparkContext sc = jsc.sc();
    return sc.isLocal() ? sc.maxNumConcurrentTasks(sc.resourceProfileManager().defaultResourceProfile())
        : jsc.defaultParallelism();
  }

  /** The workers' rendezvous, where the executors reach the driver. */
  private static PeerRendezvous rendezvous(JavaSparkContext jsc) {
    String host = jsc.getConf().get("spark.driver.host");
    return PeerRendezvous.open(jsc.getConf().get("spark.driver.bindAddress", host), host);
  }

  /**
   * Puts the state of checkpoint {@code bytes}, whose run had the settings {@code run}, into {@code network} after
   * checking that these {@code settings} are those, and returns the epochs it recorded.
   */
  private List<EpochResult> resume(Network network, TrainingSettings settings, TrainingSettings run, byte[] bytes) {
    settings.requireSameAs(run, resumeFrom);
    SavedModel saved = ModelBytes.saved(bytes, network.engine().name(), network.dataType(), resumeFrom);
    int done = saved.progress().completedEpochs();
    if (done >= epochs) {
      throw new IllegalArgumentException(resumeFrom + " has already completed " + done + " epochs, and this run asks "
          + "for " + epochs + " in all: ask for more epochs to continue it");
    }
    if (saved.progress().history().size() != done) {
      throw new IllegalArgumentException(resumeFrom + " says it completed " + done + " epochs but records "
          + saved.progress().history().size() + " epoch results");
    }
    ModelBytes.copy(saved.network(), network);
    return saved.progress().history();
  }

  /**
   * The samples packed by the worker that owns their position in the epoch's order ({@link PackedRows}), each on that
   * worker, in no set order.
   */
  static JavaPairRDD<Integer, PackedRows> place(JavaRDD<Sample> samples, StepPlan plan, int epoch) {
    return samples.mapPartitionsToPair(it -> PackedRows.byWorker(it, plan, plan.positions(epoch)))
        .partitionBy(new WorkerPartitioner(plan.workers()));
  }

  /**
   * All the samples on every worker, packed once ({@link PackedRows#toEveryWorker}): each worker's partition holds
   * the packed chunks as they arrived (a worker finds its rows through {@link PackedRows#index}, copying none), cached
   * for the fit.
   */
  static JavaPairRDD<Integer, PackedRows> copyToEveryWorker(JavaRDD<Sample> samples, StepPlan plan) {
    int workers = plan.workers();
    return samples.mapPartitionsToPair(it -> PackedRows.toEveryWorker(it, workers))
        .partitionBy(new WorkerPartitioner(workers))
        .persist(StorageLevel.MEMORY_AND_DISK());
  }

  /**
   * Steps [{@code from}, {@code to}) of an epoch as one barrier stage, from the driver's network, which takes the
   * result; {@code rendezvous} null: the tasks exchange nodes by {@code allGather}. Returns the epoch's loss sum so
   * far (each step's mean loss times its rows, added to {@code lossBefore} step by step, as one stage for the whole
   * epoch adds them) and the steps' correct count.
   */
  private double[] barrierEpoch(JavaSparkContext jsc, Network network, JavaPairRDD<Integer, PackedRows> placed,
      boolean copied, StepPlan plan, int epoch, int from, int to, boolean last, double lossBefore, String fit,
      String rendezvous, String group) {
    Broadcast<byte[]> state = jsc.broadcast(ModelBytes.of(network));
    try {
      List<EpochPart> parts = JavaRDD.fromRDD(placed.rdd().barrier().mapPartitions(
          new BarrierEpoch(plan, copied, epoch, from, to, last, lossBefore, network.optimizer().iterations(), state,
              network.engine().name(), network.dataType(), fit, rendezvous, group), false,
          ClassTag$.MODULE$.apply(EpochPart.class)), ClassTag$.MODULE$.apply(EpochPart.class))
          // Spark retries a failed barrier stage whole only when it is a shuffle-map stage (a failed barrier result
          // stage is aborted), so the parts cross one small shuffle on their way to the driver.
          .repartition(1).collect();
      EpochPart first = parts.stream().filter(p -> p.state() != null || p.values() != null).findFirst()
          .orElseThrow(() -> new IllegalStateException("no worker returned the network after the epoch"));
      if (first.values() != null) { // the network as the workers hold it, as one machine leaves it: maybe not finite
        ModelBytes.restore(network, first.values(), first.iterations());
        if (first.divergedAt() < 0) {
          throw BlockGradients.spoiled(epoch, to - 1, first.iterations(), first.failure(), network);
        }
        String cause = parts.stream().filter(p -> p.failure() != null)
            .min(java.util.Comparator.comparingInt(EpochPart::worker)).map(EpochPart::failure).orElse(null);
        throw BlockGradients.diverged(epoch, first.divergedAt(), first.iterations() + 1, cause);
      }
      ModelBytes.copy(ModelBytes.network(first.state(), network.engine().name(), network.dataType()), network);
      return new double[] {first.lossSum(), first.correct()};
    } finally {
      state.destroy();
    }
  }

  /**
   * What worker {@code worker} returns from a barrier epoch: the epoch's loss sum and correct count; (worker 0) the
   * model as a model file's bytes, or, when training diverged, as {@link ModelBytes#values} with its update count
   * (a model file holds only finite values); the step whose summed loss was not finite, where every worker stopped,
   * or −1; and why: a block's {@link BlockGradients#failure}, or (with −1) the first value of the model that the
   * part's last update left not finite.
   */
  record EpochPart(int worker, double lossSum, long correct, byte[] state, double[][] values, long iterations,
      int divergedAt, String failure) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /**
   * The Spark local property ({@code SparkContext.setLocalProperty}) by which a fault-tolerance test has a worker's
   * executor JVM halt mid-epoch, as a lost machine would: {@code "epoch/worker/step"} halts that worker after it has
   * computed that step of that epoch, in the stage's first attempt only (so the retry runs through). Unset in use.
   */
  static final String HALT_PROPERTY = "delta4j.test.haltWorkerAt";

  /** Halts this executor JVM if {@link #HALT_PROPERTY} names this task's epoch, worker and step, in a first attempt. */
  private static void haltIfAsked(TaskContext context, int epoch, int worker, int step) {
    if ((epoch + "/" + worker + "/" + step).equals(context.getLocalProperty(HALT_PROPERTY))
        && context.stageAttemptNumber() == 0 && context.attemptNumber() == 0) {
      Runtime.getRuntime().halt(137); // as a machine lost mid-epoch: no cleanup, connections drop
    }
  }

  /** A worker's rows of an epoch and its copy of the network, kept in its executor between barrier stages. */
  private record Kept(int epoch, WorkerShard shard) {}

  /**
   * Barrier workers' shards and networks kept between the stages of a fit (an epoch's parts, and epochs), by fit and
   * worker: a stage's task takes its entry out and puts it back when its steps are done, except after the fit's last
   * steps; a task of another fit drops them.
   */
  private static final Map<String, Kept> KEPT = new ConcurrentHashMap<>();

  /**
   * One worker's barrier task: every step of the epoch, gradients summed through its peers ({@link PeerExchange}) or
   * exchanged with {@code allGather}. Its network (and its rows, within an epoch) are those its executor kept from
   * the fit's previous stage ({@link #KEPT}) when that copy has made exactly the updates of the state broadcast at the
   * stage's start — it then holds those weights bit for bit, as every copy does the same arithmetic — and are built
   * from the broadcast otherwise. An attempt takes the kept copy out before its first step and puts it back only after
   * its last, so a retried stage (a lost executor fails the whole barrier stage, and Spark runs it again) starts from
   * the broadcast state where the first attempt did and ends with the same bits.
   */
  private static final class BarrierEpoch
      extends
      AbstractFunction1<scala.collection.Iterator<Tuple2<Integer, PackedRows>>, scala.collection.Iterator<EpochPart>>
      implements Serializable {
    private static final long serialVersionUID = 1L;
    private final StepPlan plan;
    private final boolean copied;
    private final int epoch;
    private final int from;
    private final int to;
    /** Whether these are the fit's last steps (after them the worker keeps nothing). */
    private final boolean last;
    private final double lossBefore;
    /** The update count of the broadcast state: the driver's network before step {@code from}. */
    private final long iterations;
    private final Broadcast<byte[]> state;
    private final String engine;
    private final DataType dataType;
    private final String fit;
    private final String rendezvous;
    private final String group;

    BarrierEpoch(StepPlan plan, boolean copied, int epoch, int from, int to, boolean last, double lossBefore,
        long iterations, Broadcast<byte[]> state, String engine, DataType dataType, String fit, String rendezvous,
        String group) {
      this.plan = plan;
      this.copied = copied;
      this.epoch = epoch;
      this.from = from;
      this.to = to;
      this.last = last;
      this.lossBefore = lossBefore;
      this.iterations = iterations;
      this.state = state;
      this.engine = engine;
      this.dataType = dataType;
      this.fit = fit;
      this.rendezvous = rendezvous;
      this.group = group;
    }

    @Override
    public scala.collection.Iterator<EpochPart> apply(scala.collection.Iterator<Tuple2<Integer, PackedRows>> rows) {
      BarrierTaskContext context = BarrierTaskContext.get();
      int worker = context.partitionId();
      String key = fit + "/" + worker;
      KEPT.keySet().removeIf(k -> !k.startsWith(fit + "/")); // what other fits left in this executor
      Kept kept = KEPT.remove(key); // a failed attempt leaves nothing behind
      // A copy kept from this fit's earlier steps that has made as many updates as the broadcast state holds the
      // broadcast weights bit for bit (every copy does the same arithmetic); any other is built from the broadcast.
      boolean current = kept != null && kept.shard().gradients().network().optimizer().iterations() == iterations;
      Network network = current ? kept.shard().gradients().network()
          : ModelBytes.network(state.value(), engine, dataType);
      WorkerShard reused = current && kept.epoch() == epoch ? kept.shard() : null;
      kept = null; // an earlier epoch's rows may go before this epoch's are read
      WorkerShard shard = reused != null ? reused
          : WorkerShard.of(plan, epoch, worker, copied, JavaConverters.asJavaIterator(rows), network);
      double lossSum = lossBefore;
      long correct = 0;
      int diverged = -1;
      String failure = null;
      try (PeerExchange exchange = rendezvous != null ? PeerExchange.open(context, rendezvous, group) : null) {
        for (int step = from; step < to; step++) {
          List<GradientTree.Node> mine = shard.nodes(step);
          double[] total = exchange != null
              ? exchange.allReduce(mine, plan.blocksIn(step), shard.gradients().vectorLength(),
                  shard.gradients().precision())
              : gather(context, mine, plan.blocksIn(step), shard.gradients().precision());
          if (!BlockGradients.finite(total)) { // every worker sees the same sum, so all stop at this step
            diverged = step;
            failure = shard.gradients().failure();
            break;
          }
          lossSum += shard.gradients().apply(total) * plan.rows(step);
          correct += BlockGradients.correct(total);
          haltIfAsked(context, epoch, worker, step);
        }
      }
      // An update that left the model not finite, with every loss after it finite, ends the fit here: such a model
      // cannot travel as a model file. Every copy holds the same values, so every worker finds the same.
      if (diverged < 0) {
        failure = BlockGradients.nonFinite(network);
      }
      boolean failed = diverged >= 0 || failure != null;
      if (!last && !failed) {
        KEPT.put(key, new Kept(epoch, shard));
      }
      EpochPart part = new EpochPart(worker, lossSum, correct, worker == 0 && !failed ? ModelBytes.of(network) : null,
          worker == 0 && failed ? ModelBytes.values(network) : null, network.optimizer().iterations(), diverged,
          failure);
      return JavaConverters.asScalaIterator(List.of(part).iterator());
    }

    private static double[] gather(BarrierTaskContext context, List<GradientTree.Node> mine, int blocks,
        GradientTree.Precision precision) {
      List<GradientTree.Node> nodes = new ArrayList<>();
      for (String s : context.allGather(NodeCodec.encode(mine))) {
        nodes.addAll(NodeCodec.decode(s));
      }
      return GradientTree.sum(blocks, nodes, precision);
    }
  }

  /**
   * Steps [{@code from}, {@code to}) of an epoch, a job each; returns the epoch's loss sum so far (from {@code
   * lossBefore}) and the steps' correct count.
   */
  private double[] treeAggregateEpoch(JavaSparkContext jsc, Network network, JavaPairRDD<Integer, PackedRows> placed,
      boolean copied, StepPlan plan, int epoch, String run, int from, int to, double lossBefore) {
    String engine = network.engine().name();
    DataType dataType = network.dataType();
    long first = network.optimizer().iterations() - from; // the update count at the epoch's step 0
    if (!copied) { // a copied placement is cached for the whole fit
      placed.persist(StorageLevel.MEMORY_AND_DISK());
    }
    Broadcast<byte[]> state = jsc.broadcast(ModelBytes.of(network));
    long stateIterations = first + from;
    BlockGradients driver = new BlockGradients(network);
    double lossSum = lossBefore;
    long correct = 0;
    double[] previous = null;
    try {
      for (int step = from; step < to; step++) {
        StepNodes nodes;
        try {
          nodes = aggregateStep(placed, copied, plan, epoch, run, step, first, previous, state, stateIterations,
              engine, dataType);
        } catch (Exception e) {
          if (!String.valueOf(e.getMessage()).contains(STALE)) {
            throw e;
          }
          state.destroy(); // a worker lost its copy (a new executor): send the current state and redo the step
          state = jsc.broadcast(ModelBytes.of(network));
          stateIterations = network.optimizer().iterations();
          nodes = aggregateStep(placed, copied, plan, epoch, run, step, first, previous, state, stateIterations,
              engine, dataType);
        }
        double[] total = GradientTree.sum(plan.blocksIn(step), nodes.nodes(), driver.precision());
        if (!BlockGradients.finite(total)) {
          throw BlockGradients.diverged(epoch, step, network.optimizer().iterations() + 1, nodes.failure());
        }
        lossSum += driver.apply(total) * plan.rows(step);
        correct += BlockGradients.correct(total);
        previous = total;
      }
      // as under the barrier reductions: a model left not finite by the part's last update can be neither sent to
      // the workers nor saved
      String spoiled = BlockGradients.nonFinite(network);
      if (spoiled != null) {
        throw BlockGradients.spoiled(epoch, to - 1, network.optimizer().iterations(), spoiled, network);
      }
      return new double[] {lossSum, correct};
    } finally {
      state.destroy();
      if (!copied) {
        placed.unpersist(false);
      }
      SHARDS.keySet().removeIf(k -> k.startsWith(run));
    }
  }

  /**
   * Worker copies kept between the steps of a tree-aggregate epoch, by run and worker, with when each was last used.
   * The driver drops its own JVM's copies when the epoch ends; an executor drops a copy once it is idle for {@link
   * #IDLE_NANOS}.
   */
  private static final Map<String, Map.Entry<WorkerShard, Long>> SHARDS = new ConcurrentHashMap<>();

  private static final long IDLE_NANOS = 10L * 60 * 1_000_000_000;

  private static StepNodes aggregateStep(JavaPairRDD<Integer, PackedRows> placed, boolean copied,
      StepPlan plan, int epoch, String run,
      int step, long first, double[] previous, Broadcast<byte[]> state, long stateIterations, String engine,
      DataType dataType) {
    JavaRDD<StepNodes> nodes = placed.mapPartitionsWithIndex((worker, rows) -> {
      String key = run + "/" + worker;
      String fit = run.substring(0, run.indexOf('/') + 1);
      long now = System.nanoTime();
      SHARDS.entrySet().removeIf(e -> e.getKey().startsWith(fit) && !e.getKey().startsWith(run + "/")
          || now - e.getValue().getValue() > IDLE_NANOS); // earlier epochs' copies, and abandoned ones
      WorkerShard shard = SHARDS.computeIfAbsent(key, k -> Map.entry(
          WorkerShard.of(plan, epoch, worker, copied, rows, ModelBytes.network(state.value(), engine, dataType)),
          now)).getKey();
      long expected = first + step;
      Network network = shard.gradients().network();
      if (previous != null && network.optimizer().iterations() == expected - 1) {
        shard.gradients().apply(previous);
      }
      if (network.optimizer().iterations() != expected) {
        if (stateIterations != expected) {
          throw new IllegalStateException(STALE + ": worker " + worker + " holds update "
              + network.optimizer().iterations() + " of the network, step " + step + " needs " + expected);
        }
        shard = shard.with(ModelBytes.network(state.value(), engine, dataType));
      }
      SHARDS.put(key, Map.entry(shard, now));
      List<GradientTree.Node> computed = shard.nodes(step);
      haltIfAsked(TaskContext.get(), epoch, worker, step);
      String failure = shard.gradients().failure();
      return List.of(new StepNodes(computed, failure != null ? worker : Integer.MAX_VALUE, failure)).iterator();
    }, true);
    return nodes.treeAggregate(new StepNodes(List.of(), Integer.MAX_VALUE, null), StepNodes::with, StepNodes::with,
        2);
  }

  /**
   * Workers' nodes of a tree-aggregate step, and why the block of the lowest worker whose loss was not finite failed
   * ({@link BlockGradients#failure}; null, with worker {@code Integer.MAX_VALUE}, when none did).
   */
  record StepNodes(List<GradientTree.Node> nodes, int failedWorker, String failure) implements Serializable {
    private static final long serialVersionUID = 1L;

    StepNodes with(StepNodes other) {
      List<GradientTree.Node> all = new ArrayList<>(nodes);
      all.addAll(other.nodes);
      StepNodes failed = other.failedWorker < failedWorker ? other : this;
      return new StepNodes(all, failed.failedWorker, failed.failure);
    }
  }

  /** Sends each (worker, rows) pair to that worker's partition. */
  static final class WorkerPartitioner extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int workers;

    WorkerPartitioner(int workers) {
      this.workers = workers;
    }

    @Override
    public int numPartitions() {
      return workers;
    }

    @Override
    public int getPartition(Object worker) {
      return (Integer) worker;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof WorkerPartitioner p && p.workers == workers;
    }

    @Override
    public int hashCode() {
      return workers;
    }
  }

  /** Configures a {@link SparkTrainer}. Defaults: 1 epoch, batches of 32, one block per worker, seed 42, shuffled. */
  public static final class Builder {
    private int epochs = 1;
    private int batchSize = 32;
    private int blocks;
    private int workers;
    private long seed = 42;
    private boolean shuffle = true;
    private Reduction reduction = Reduction.PEER_ALL_REDUCE;
    private Placement placement = Placement.SHUFFLE_EACH_EPOCH;
    private Consumer<EpochResult> listener;
    private int reportsPerEpoch = 1;
    private Consumer<Progress> progress;
    private String checkpoint;
    private String resumeFrom;
    private Caller caller = Caller.BUILDER;

    private Builder() {}

    public Builder epochs(int epochs) {
      if (epochs < 1) {
        throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
      }
      this.epochs = epochs;
      return this;
    }

    /** The global batch: rows per optimizer step, over all workers. */
    public Builder batchSize(int batchSize) {
      if (batchSize < 1) {
        throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
      }
      this.batchSize = batchSize;
      return this;
    }

    /**
     * Blocks per batch, at most the batch size (default: one per worker, or, resuming, the checkpoint's). The weights
     * depend on it, not on the number of workers: the same blocks on 1, 2 or 8 workers give the same bits. Batch
     * normalization normalizes each block by its own statistics, so with the default a network that has it trains
     * another model on another number of workers, and with the default workers on another cluster: set the blocks
     * (1: the whole batch's statistics, as on one machine) to train the same model everywhere.
     */
    public Builder blocks(int blocks) {
      if (blocks < 1) {
        throw new IllegalArgumentException("a batch has at least 1 block, got " + blocks);
      }
      this.blocks = blocks;
      return this;
    }

    /**
     * Workers, that is Spark partitions (default: the context's default parallelism). Without {@link #blocks} they
     * decide the blocks, one each.
     */
    public Builder workers(int workers) {
      if (workers < 1) {
        throw new IllegalArgumentException("training needs at least 1 worker, got " + workers);
      }
      this.workers = workers;
      return this;
    }

    /** The seed of the per-epoch shuffles (those of {@link org.delta4j.train.Trainer} with the same seed). */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder shuffle(boolean shuffle) {
      this.shuffle = shuffle;
      return this;
    }

    public Builder reduction(Reduction reduction) {
      this.reduction = Objects.requireNonNull(reduction, "reduction");
      return this;
    }

    /** Where the workers find their rows each epoch (default: {@link Placement#SHUFFLE_EACH_EPOCH}). */
    public Builder placement(Placement placement) {
      this.placement = Objects.requireNonNull(placement, "placement");
      return this;
    }

    /** Told each epoch's result as it ends. */
    public Builder listener(Consumer<EpochResult> listener) {
      this.listener = listener;
      return this;
    }

    /**
     * Cuts each epoch into {@code reports} parts of about equal steps, each its own Spark stage (or, for {@link
     * Reduction#TREE_AGGREGATE}, run of jobs) started from the driver's network, and tells the {@link #progress}
     * listener after each. The arithmetic, and so the bits, are those of whole epochs; each part pays a stage's start
     * (default 1: a stage per epoch).
     */
    public Builder reportsPerEpoch(int reports) {
      if (reports < 1) {
        throw new IllegalArgumentException("an epoch is reported at least once, at its end, got " + reports);
      }
      this.reportsPerEpoch = reports;
      return this;
    }

    /**
     * Told, on the driver, after each part of an epoch (see {@link #reportsPerEpoch}; by default at each epoch's end,
     * before the epoch {@link #listener}), when the driver's network holds the weights of that point. Training waits
     * while it runs.
     */
    public Builder progress(Consumer<Progress> progress) {
      this.progress = progress;
      return this;
    }

    /**
     * Writes a checkpoint — weights, optimizer state, the epochs done and their results, and the run's settings, in
     * the model file format of {@link org.delta4j.io.ModelFiles} — to {@code path} at the end of every epoch, through
     * Hadoop's FileSystem ({@code file:}, {@code hdfs:}, …), replacing it by a rename.
     */
    public Builder checkpoint(String path) {
      this.checkpoint = Objects.requireNonNull(path, "checkpoint path");
      return this;
    }

    /**
     * Continues the run of the checkpoint at {@code path} (read through Hadoop's FileSystem): the network takes its
     * state and training resumes after its last epoch; {@link #epochs} counts all epochs, those done included. The
     * network, engine, data type, seed, batch size, blocks and shuffling must be the checkpoint's.
     */
    public Builder resumeFrom(String path) {
      this.resumeFrom = Objects.requireNonNull(path, "checkpoint path to resume from");
      return this;
    }

    /** Words errors for {@code caller}'s settings (package-private: the estimator's and the command line's). */
    Builder calledBy(Caller caller) {
      this.caller = Objects.requireNonNull(caller, "caller");
      return this;
    }

    /**
     * The trainer.
     *
     * @throws IllegalArgumentException for more blocks than a batch has rows, naming both
     */
    public SparkTrainer build() {
      if (blocks > batchSize) {
        throw new IllegalArgumentException("blocks " + blocks + " for batches of " + batchSize + " rows: a batch is "
            + "cut into at most as many blocks as it has rows");
      }
      return new SparkTrainer(this);
    }
  }
}
