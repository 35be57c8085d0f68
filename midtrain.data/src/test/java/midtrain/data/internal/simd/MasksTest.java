package midtrain.data.internal.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

class MasksTest {
  @Test
  void foldsGiveTheSameBitsAsToLongAtEveryWidth() {
    SplittableRandom r = new SplittableRandom(3);
    for (VectorSpecies<Byte> s :
        java.util.List.of(
            ByteVector.SPECIES_64,
            ByteVector.SPECIES_128,
            ByteVector.SPECIES_256,
            ByteVector.SPECIES_512)) {
      byte[] a = new byte[s.length()];
      for (int i = 0; i < 500; i++) {
        // Sparse, dense, empty and full masks.
        int density = i % 5 == 0 ? 0 : i % 5 == 1 ? 100 : r.nextInt(101);
        for (int k = 0; k < a.length; k++) {
          a[k] = (byte) (r.nextInt(100) < density ? 1 : 0);
        }
        VectorMask<Byte> m = ByteVector.fromArray(s, a, 0).compare(VectorOperators.NE, (byte) 0);
        assertEquals(m.toLong(), Masks.foldBytes(s, m), s + " #" + i);
        assertEquals(m.toLong(), Masks.byteBits(s, m), s + " #" + i);
      }
    }
    for (VectorSpecies<Long> s :
        java.util.List.of(
            LongVector.SPECIES_64,
            LongVector.SPECIES_128,
            LongVector.SPECIES_256,
            LongVector.SPECIES_512)) {
      long[] a = new long[s.length()];
      for (int i = 0; i < 200; i++) {
        for (int k = 0; k < a.length; k++) {
          a[k] = r.nextInt(3) == 0 ? 0 : r.nextLong();
        }
        VectorMask<Long> m = LongVector.fromArray(s, a, 0).compare(VectorOperators.NE, 0L);
        assertEquals(m.toLong(), Masks.foldLongs(s, m), s + " #" + i);
        assertEquals(m.toLong(), Masks.longBits(s, m), s + " #" + i);
      }
    }
  }
}
