package midtrain.data.internal.simd;

import jdk.incubator.vector.ByteVector;

/** What {@link Kernels} asks the Vector API, in a class loaded only when the module is present. */
final class VectorApi {
  private VectorApi() {}

  /** The widest vector the CPU runs natively, in bits. */
  static int preferredBits() {
    return ByteVector.SPECIES_PREFERRED.vectorBitSize();
  }
}
