package org.delta4j.data;

import java.util.List;
import java.util.Objects;
import org.delta4j.tensor.Shape;

/** A view of some samples of another dataset, in the given order; the samples are not copied. */
final class SubsetDataset implements Dataset {
  private final Dataset base;
  private final int[] indices;

  SubsetDataset(Dataset base, int[] indices) {
    Objects.requireNonNull(indices, "subset: indices is null");
    for (int i : indices) {
      if (i < 0 || i >= base.size()) {
        throw new IllegalArgumentException("subset index " + i + " is outside the dataset's " + base.size() + " samples");
      }
    }
    this.base = base;
    this.indices = indices.clone();
  }

  @Override
  public int size() {
    return indices.length;
  }

  @Override
  public Shape featureShape() {
    return base.featureShape();
  }

  @Override
  public Shape targetShape() {
    return base.targetShape();
  }

  @Override
  public int numClasses() {
    return base.numClasses();
  }

  @Override
  public int label(int index) {
    return base.label(indices[DatasetArguments.sample(index, indices.length)]);
  }

  @Override
  public List<String> classNames() {
    return base.classNames();
  }

  @Override
  public void fill(int[] order, int from, int count, float[] features, float[] targets) {
    DatasetArguments.fill(this, order, from, count, features, targets);
    int[] mapped = new int[count];
    for (int i = 0; i < count; i++) {
      mapped[i] = indices[order[from + i]];
    }
    base.fill(mapped, 0, count, features, targets);
  }
}
