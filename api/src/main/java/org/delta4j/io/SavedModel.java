package org.delta4j.io;

import org.delta4j.nn.Network;

/** A model read back from a file: the network with its weights and optimizer state, and its training progress. */
public record SavedModel(Network network, TrainingProgress progress) {}
