package midtrain.data.internal.simd;

import midtrain.data.DataException;

/**
 * The kernel width in use: the system property {@code midtrain.data.vectorBits} or the CPU's.
 *
 * <p>Why this class names no Vector API type: on a class path without {@code --add-modules
 * jdk.incubator.vector} the module is absent, and a class that touches one of its types in a static
 * initializer fails to load, so that every later use of that class fails too. Width 0 then selects
 * the scalar kernels, and the vector classes ({@link VectorApi}, {@link VectorByteScan}, {@link
 * VectorBloomProbe}, {@link VectorTokenizer}, {@link Masks} and the nested {@code Vector} kernels)
 * are never initialized.
 */
public final class Kernels {
  /** The system property that forces a kernel width (0 = scalar). */
  public static final String PROPERTY = "midtrain.data.vectorBits";

  private static final boolean VECTOR_API = findVectorApi();
  private static final int DEFAULT = resolveOrDefault(System.getProperty(PROPERTY), VECTOR_API);

  private Kernels() {}

  private static boolean findVectorApi() {
    // On the module path this module requires jdk.incubator.vector, so it is resolved with it; on
    // the class path, code sees the boot layer's modules, which hold it only when it was added.
    return Kernels.class.getModule().isNamed()
        || ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
  }

  /**
   * Tells whether the Vector API module is present, so that the vector kernels can run.
   *
   * @return true on the module path, and on the class path with {@code --add-modules
   *     jdk.incubator.vector}
   */
  public static boolean vectorApiPresent() {
    return VECTOR_API;
  }

  /**
   * Returns the kernel width new kernels use by default.
   *
   * @return 0 for scalar, else the vector size in bits
   */
  public static int defaultBits() {
    return DEFAULT;
  }

  /**
   * Returns the widest vector the CPU runs natively.
   *
   * @return bits per vector; 0 when the Vector API module is absent
   */
  public static int preferredBits() {
    return VECTOR_API ? VectorApi.preferredBits() : 0;
  }

  /**
   * Parses a value of the system property, or warns and falls back to the default width when it is
   * not one this JVM can run.
   *
   * <p>Why not fail: this runs in a class initializer, where an exception surfaces once as an
   * {@link ExceptionInInitializerError} and then, on every later use of a kernel, as a {@link
   * NoClassDefFoundError} without its message. The width only chooses between kernels with the same
   * results, so a run with the default and a warning that names the value loses nothing.
   *
   * @param value the property value, or null when unset
   * @param vectorApi whether the Vector API module is present
   * @return the width in bits
   */
  static int resolveOrDefault(String value, boolean vectorApi) {
    try {
      return resolve(value, vectorApi);
    } catch (DataException e) {
      int fallback = resolve(null, vectorApi);
      System.getLogger(Kernels.class.getName())
          .log(
              System.Logger.Level.WARNING,
              e.getMessage()
                  + "; using "
                  + (fallback == 0 ? "the scalar kernels" : fallback + "-bit vectors"));
      return fallback;
    }
  }

  /**
   * Parses a value of the system property; blank or absent means the CPU's widest vector.
   *
   * @param value the property value, or null when unset
   * @param vectorApi whether the Vector API module is present
   * @return the width in bits; 0 (the scalar kernels) by default without the module
   * @throws DataException when the value is not a width, or a vector width without the module
   */
  static int resolve(String value, boolean vectorApi) {
    if (value == null || value.isBlank()) {
      return vectorApi ? VectorApi.preferredBits() : 0;
    }
    int bits;
    try {
      bits = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new DataException(PROPERTY + " must be 0, 64, 128, 256 or 512, got '" + value + "'");
    }
    if (bits != 0 && bits != 64 && bits != 128 && bits != 256 && bits != 512) {
      throw new DataException(PROPERTY + " must be 0, 64, 128, 256 or 512, got " + bits);
    }
    if (bits != 0 && !vectorApi) {
      throw new DataException(
          PROPERTY
              + "="
              + bits
              + " needs the Vector API: run with --add-modules jdk.incubator.vector, or set it to"
              + " 0 for the scalar kernels");
    }
    return bits;
  }
}
