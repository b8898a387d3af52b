package org.delta4j.benchmarks;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The peer networks in DL4J: the same MLP 784-256-128-10 (ReLU, softmax with cross-entropy, Adam 1e-3, Xavier) as
 * {@link Mlp}, and the same convolutional network as {@link Cnn}, layer for layer.
 */
final class Dl4jNetworks {
  private Dl4jNetworks() {}

  static MultiLayerNetwork mlp() {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
        .seed(1)
        .dataType(DataType.FLOAT)
        .updater(new Adam(1e-3))
        .weightInit(WeightInit.XAVIER)
        .list()
        .layer(new DenseLayer.Builder().nIn(784).nOut(256).activation(Activation.RELU).build())
        .layer(new DenseLayer.Builder().nIn(256).nOut(128).activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(128).nOut(10)
            .activation(Activation.SOFTMAX).build())
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  /**
   * {@link Cnn} in DL4J, on images [N, 1, 28, 28]: per convolution ConvolutionLayer (3×3, stride 1, same padding:
   * same mode, no bias), BatchNormalization (DL4J's decay 0.9 is momentum 0.1; ε = 1e-5), ReLU, SubsamplingLayer
   * (max, 2×2, stride 2); then DenseLayer 128 ReLU and OutputLayer 10 softmax with cross-entropy, DL4J flattening
   * between them; He-uniform weights, Adam 1e-3.
   */
  static MultiLayerNetwork cnn() {
    NeuralNetConfiguration.ListBuilder layers = new NeuralNetConfiguration.Builder()
        .seed(1)
        .dataType(DataType.FLOAT)
        .updater(new Adam(1e-3))
        .weightInit(WeightInit.RELU_UNIFORM)
        .convolutionMode(ConvolutionMode.Same)
        .list();
    for (int[] c : Cnn.CONVOLUTIONS) {
      layers.layer(new ConvolutionLayer.Builder(Cnn.KERNEL, Cnn.KERNEL).stride(1, 1).nOut(c[1]).hasBias(false)
              .activation(Activation.IDENTITY).build())
          .layer(new BatchNormalization.Builder().decay(0.9).eps(1e-5).build())
          .layer(new ActivationLayer(Activation.RELU))
          .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build());
    }
    MultiLayerConfiguration conf = layers
        .layer(new DenseLayer.Builder().nOut(128).activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX)
            .build())
        .setInputType(InputType.convolutional(Cnn.SIDE, Cnn.SIDE, 1))
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }
}
