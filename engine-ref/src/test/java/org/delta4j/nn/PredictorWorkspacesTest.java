package org.delta4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import org.delta4j.engine.ref.RefEngine;
import org.delta4j.spec.LossFunction;
import org.delta4j.spec.NetworkSpec;
import org.junit.jupiter.api.Test;

/**
 * A predictor's workspaces, each thread's layers over the network's parameters with their work tensors, go with the
 * predictor, though the threads that ran it live on: held by a ThreadLocal they stayed in each such thread, and a
 * loop of networks made and dropped kept dozens (on the ND4J engine gigabytes of native work tensors).
 */
class PredictorWorkspacesTest {
  @Test
  void aDroppedNetworksPredictorLeavesNothingInTheThreadsThatRanIt() throws InterruptedException {
    NetworkSpec spec = NetworkSpec.builder().input(3).dense(4).relu().dense(2)
        .loss(LossFunction.SOFTMAX_CROSS_ENTROPY).build();
    List<WeakReference<Parameter>> parameters = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Network network = Network.create(spec, new RefEngine());
      parameters.add(new WeakReference<>(network.parameters().get(0)));
      network.predictor().probabilities(new float[][] {{1, 2, 3}}); // this thread, which lives on
    }
    for (int attempt = 0; attempt < 50 && parameters.stream().anyMatch(p -> p.get() != null); attempt++) {
      System.gc();
      Thread.sleep(10);
    }
    assertEquals(0, parameters.stream().filter(p -> p.get() != null).count(), "parameters still reachable");
  }
}
