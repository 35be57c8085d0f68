package midtrain.data.internal.simd;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Unescapes the body of a JSON string straight from UTF-8 bytes to UTF-8 bytes.
 *
 * <p>Why this exists beside Jackson: Jackson decodes a string value to UTF-16 and the scan needs
 * UTF-8, so each document was decoded, turned into a {@code String} and encoded again (a tenth of
 * the decontamination scan). Jackson still parses and validates every line; this kernel only copies
 * the one value the scan reads, from the position Jackson reports, and stops at anything it does
 * not handle (including any UTF-8 that is not strictly valid, which Jackson's skipping of the value
 * would not check) so that the caller falls back to Jackson. Runs without escapes are copied a
 * vector at a time; the scalar kernel is the fallback and the test oracle.
 */
public abstract class JsonString {
  /** The decoded bytes; valid up to {@link #length}. */
  public byte[] bytes = new byte[4096];

  /** Number of decoded bytes. */
  public int length;

  /**
   * Whether the last body decoded had a JSON escape of an unpaired surrogate (written as {@code ?},
   * as {@code String.getBytes(UTF_8)} writes it): text that has no UTF-8 encoding, which a caller
   * may reject.
   */
  public boolean loneSurrogate;

  JsonString() {}

  /**
   * Creates a decoder with the default kernel ({@link Kernels#defaultBits()}).
   *
   * @return a new decoder; one per thread (it keeps its buffer)
   */
  public static JsonString create() {
    return create(Kernels.defaultBits());
  }

  /**
   * Creates a decoder with a given kernel width.
   *
   * @param bits 0 for the scalar kernel, else 64, 128, 256 or 512
   * @return a new decoder
   */
  public static JsonString create(int bits) {
    return bits == 0 ? new Scalar() : new Vector(bits);
  }

  /**
   * Decodes the string body that starts at {@code from} (just after the opening quote) into {@link
   * #bytes}.
   *
   * @param a the bytes
   * @param from first byte of the body
   * @param end the end of the input; nothing at or past it is read
   * @return the position just past the closing quote, or -1 when the body has no closing quote
   *     before {@code end}, a malformed escape, a control character or a byte sequence that is not
   *     strictly valid UTF-8 (the caller then lets Jackson decode it or report the error)
   */
  public final int decode(byte[] a, int from, int end) {
    length = 0;
    loneSurrogate = false;
    ensure(end - from);
    return body(a, from, end);
  }

  /**
   * Replaces the decoded bytes, for a value decoded elsewhere (the caller's fallback).
   *
   * @param utf8 the bytes
   */
  public final void set(byte[] utf8) {
    length = 0;
    ensure(utf8.length);
    System.arraycopy(utf8, 0, bytes, 0, utf8.length);
    length = utf8.length;
  }

  abstract int body(byte[] a, int from, int end);

  private void ensure(int n) {
    // Why no other bounds checks are needed: a decoded body is never longer than the raw bytes it
    // came from (an escape of 2, 6 or 12 bytes gives 1 to 4), and the vector kernel writes at most
    // one vector past the last byte it keeps.
    if (bytes.length < n + 64) {
      bytes = new byte[Math.max(n + 64, bytes.length * 2)];
    }
  }

  /**
   * Decodes one escape at {@code p} (the byte after the backslash).
   *
   * @return the position after the escape, or -1
   */
  final int escape(byte[] a, int p, int end) {
    if (p >= end) {
      return -1;
    }
    int c = a[p];
    switch (c) {
      case '"', '\\', '/' -> put(c);
      case 'b' -> put('\b');
      case 'f' -> put('\f');
      case 'n' -> put('\n');
      case 'r' -> put('\r');
      case 't' -> put('\t');
      case 'u' -> {
        int u = hex4(a, p + 1, end);
        if (u < 0) {
          return -1;
        }
        p += 4;
        if (u >= 0xD800 && u <= 0xDBFF && p + 2 < end && a[p + 1] == '\\' && a[p + 2] == 'u') {
          int lo = hex4(a, p + 3, end);
          if (lo >= 0xDC00 && lo <= 0xDFFF) {
            length = Chars.encode(bytes, length, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
            return p + 7;
          }
        }
        // A lone surrogate becomes '?', as String.getBytes(UTF_8) encodes it.
        boolean lone = u >= 0xD800 && u <= 0xDFFF;
        loneSurrogate |= lone;
        length = Chars.encode(bytes, length, lone ? '?' : u);
      }
      default -> {
        return -1;
      }
    }
    return p + 1;
  }

  /**
   * Copies one strictly valid UTF-8 sequence at {@code p} (its first byte is above 0x7F).
   *
   * <p>Why strict: Jackson's {@code getText()} rejects UTF-8-encoded surrogates and decodes
   * overlong and out-of-range sequences to other characters, while skipping a string checks
   * neither. Anything but a well-formed sequence goes back to the caller, whose fallback to {@code
   * getText()} then rejects or decodes it exactly as before.
   *
   * @return the position after the sequence, or -1
   */
  final int sequence(byte[] a, int p, int end) {
    int n = Chars.utf8SequenceLength(a, p, end);
    if (n < 0) {
      return -1;
    }
    System.arraycopy(a, p, bytes, length, n);
    length += n;
    return p + n;
  }

  private static int hex4(byte[] a, int p, int end) {
    if (p + 4 > end) {
      return -1;
    }
    int v = 0;
    for (int i = 0; i < 4; i++) {
      int d = Character.digit(a[p + i], 16);
      if (d < 0) {
        return -1;
      }
      v = v << 4 | d;
    }
    return v;
  }

  private void put(int b) {
    bytes[length++] = (byte) b;
  }

  /** Byte by byte: the fallback and the test oracle. */
  static final class Scalar extends JsonString {
    @Override
    int body(byte[] a, int p, int end) {
      while (p < end) {
        int c = a[p];
        if (c == '"') {
          return p + 1;
        }
        if (c == '\\') {
          p = escape(a, p + 1, end);
        } else if (c < 0) {
          p = sequence(a, p, end);
        } else if (c < 0x20) {
          return -1;
        } else {
          bytes[length++] = (byte) c;
          p++;
        }
        if (p < 0) {
          return -1;
        }
      }
      return -1;
    }
  }

  /** A vector at a time between escapes. */
  static final class Vector extends JsonString {
    private static final VectorSpecies<Byte> S64 = ByteVector.SPECIES_64;
    private static final VectorSpecies<Byte> S128 = ByteVector.SPECIES_128;
    private static final VectorSpecies<Byte> S256 = ByteVector.SPECIES_256;
    private static final VectorSpecies<Byte> S512 = ByteVector.SPECIES_512;

    private final int bits;

    Vector(int bits) {
      if (bits != 64 && bits != 128 && bits != 256 && bits != 512) {
        throw new IllegalArgumentException("vector width must be 64, 128, 256 or 512: " + bits);
      }
      this.bits = bits;
    }

    @Override
    int body(byte[] a, int p, int end) {
      while (true) {
        // Constant species per branch, so that the vector operations compile to SIMD.
        p =
            switch (bits) {
              case 512 -> run(S512, a, p, end);
              case 256 -> run(S256, a, p, end);
              case 128 -> run(S128, a, p, end);
              default -> run(S64, a, p, end);
            };
        // The byte that stopped the vectors, and the plain ones before it, one at a time.
        while (p < end) {
          int c = a[p];
          if (c == '"') {
            return p + 1;
          }
          if (c == '\\' || c < 0) {
            break;
          }
          if (c < 0x20) {
            return -1;
          }
          bytes[length++] = (byte) c;
          p++;
        }
        if (p >= end) {
          return -1;
        }
        p = a[p] < 0 ? sequence(a, p, end) : escape(a, p + 1, end);
        if (p < 0) {
          return -1;
        }
      }
    }

    /**
     * Copies whole vectors up to the first quote, backslash or control byte. Each vector is stored
     * before it is looked at; where it holds bytes above 0x7F, their UTF-8 sequences are checked
     * one at a time (see {@link #sequence}) from the vector's bit mask, and the bytes are already
     * in place.
     *
     * <p>Why not stop at every byte above 0x7F, as before: in text with an accented letter every
     * few words, each one cost a wasted vector, a byte-at-a-time copy up to it and a copy call, and
     * this kernel took 43% of a scan.
     *
     * @return the position of the first byte it did not copy: a quote, backslash or control byte,
     *     the first byte of a sequence that is not strictly valid or that runs past the vector, or
     *     the tail shorter than a vector
     */
    private int run(VectorSpecies<Byte> species, byte[] a, int p, int end) {
      int step = species.length();
      while (p + step <= end) {
        ByteVector v = ByteVector.fromArray(species, a, p);
        var stop =
            v.compare(VectorOperators.EQ, (byte) '"')
                .or(v.compare(VectorOperators.EQ, (byte) '\\'))
                // Control bytes (below 0x20) have their top three bits clear. The unsigned
                // comparison is spelled differently in JDK 17 and 25's incubator module.
                .or(v.and((byte) 0xE0).compare(VectorOperators.EQ, (byte) 0));
        var high = v.compare(VectorOperators.LT, (byte) 0);
        // The decoded bytes never outrun the raw ones, so a whole vector fits (see ensure).
        v.intoArray(bytes, length);
        if (!stop.or(high).anyTrue()) {
          length += step;
          p += step;
          continue;
        }
        long stops = Masks.byteBits(species, stop);
        int plain = stops == 0 ? step : Long.numberOfTrailingZeros(stops);
        // The sequences that start before the first stop (no sequence holds one: their other
        // bytes are above 0x7F too).
        long highs = Masks.byteBits(species, high) & (plain == 64 ? -1L : (1L << plain) - 1);
        while (highs != 0) {
          int at = Long.numberOfTrailingZeros(highs);
          int n = Chars.utf8SequenceLength(a, p + at, end);
          if (n < 0 || at + n > step) {
            // Not strictly valid, or not all in this vector: the caller takes it byte by byte.
            length += at;
            return p + at;
          }
          highs &= at + n == 64 ? 0 : -1L << (at + n);
        }
        length += plain;
        p += plain;
        if (plain < step) {
          return p;
        }
      }
      return p;
    }
  }
}
