package midtrain.train;

import java.util.Arrays;

/**
 * One tensor's entry in a safetensors header.
 *
 * @param name the tensor's name
 * @param dtype its element type
 * @param shape its shape, row-major
 * @param begin start of its bytes, relative to the data section
 * @param end end of its bytes (exclusive), relative to the data section
 */
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {

  /**
   * Copies the shape.
   *
   * @param name the tensor's name
   * @param dtype its element type
   * @param shape its shape, row-major; copied, so later changes to the array do not reach the
   *     record
   * @param begin the offset of its first byte, relative to the data section
   * @param end the offset just past its last byte, relative to the data section
   */
  public TensorInfo {
    shape = shape.clone();
  }

  /**
   * Returns the shape.
   *
   * @return a copy of the shape
   */
  @Override
  public long[] shape() {
    return shape.clone();
  }

  /**
   * Returns the number of elements.
   *
   * @return the product of the shape (1 for a scalar)
   */
  public long elements() {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorInfo t
        && t.name.equals(name)
        && t.dtype == dtype
        && Arrays.equals(t.shape, shape)
        && t.begin == begin
        && t.end == end;
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + ":" + dtype + Arrays.toString(shape) + "@[" + begin + "," + end + ")";
  }
}
