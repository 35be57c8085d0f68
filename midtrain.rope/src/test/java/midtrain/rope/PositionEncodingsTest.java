package midtrain.rope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import midtrain.rope.spi.PositionEncodingProvider;
import org.junit.jupiter.api.Test;

/** Provider discovery: stable ids, duplicates, module-info mirrored in META-INF/services. */
class PositionEncodingsTest {

  @Test
  void builtInsAreDiscoveredUnderTheirStableIds() {
    assertEquals(
        Set.of("default", "linear", "ntk", "dynamic", "yarn", "longrope", "llama3"),
        PositionEncodings.providers().keySet());
    for (var e : PositionEncodings.providers().entrySet()) {
      assertEquals(e.getKey(), e.getValue().id());
      assertTrue(!e.getValue().description().isBlank());
    }
  }

  @Test
  void duplicateIdsFailNamingBothClasses() {
    PositionEncodingProvider a = new Named("yarn");
    PositionEncodingProvider b = new Named("yarn") {
          // A different class claiming the same id.
        };
    String msg =
        assertThrows(RopeException.class, () -> PositionEncodings.index(List.of(a, b)))
            .getMessage();
    assertTrue(msg.contains(a.getClass().getName()), msg);
    assertTrue(msg.contains(b.getClass().getName()), msg);
    assertEquals(1, PositionEncodings.index(List.of(a, new Named("yarn"))).size());
  }

  @Test
  void servicesFileMirrorsModuleInfo() throws IOException {
    Module module = PositionEncodings.class.getModule();
    assertTrue(module.isNamed(), "tests run on the module path");
    Set<String> declared = new TreeSet<>();
    for (ModuleDescriptor.Provides p : module.getDescriptor().provides()) {
      assertEquals(PositionEncodingProvider.class.getName(), p.service());
      p.providers().forEach(name -> declared.add(name.replace('$', '.')));
    }
    Set<String> listed = new TreeSet<>();
    try (InputStream in =
        module.getResourceAsStream(
            "META-INF/services/" + PositionEncodingProvider.class.getName())) {
      assertTrue(in != null, "META-INF/services file missing");
      List<String> lines = new ArrayList<>();
      new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))
          .lines()
          .forEach(lines::add);
      for (String line : lines) {
        if (!line.isBlank()) {
          listed.add(line.trim().replace('$', '.'));
        }
      }
    }
    assertEquals(declared, listed);
    Set<String> loaded =
        PositionEncodings.providers().values().stream()
            .map(p -> p.getClass().getName().replace('$', '.'))
            .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(declared, loaded);
  }

  @Test
  void aProvidersFrequenciesOfAnotherRotaryDimensionAreRefused() {
    RopeConfig config = RopeConfig.builder().ropeTheta(10000).headDim(64).build();
    RopeFrequencies half = RopeFrequencies.of(new double[16], 1);
    String msg =
        assertThrows(RopeException.class, () -> PositionEncoding.fixed("mine", config, half))
            .getMessage();
    assertTrue(msg.contains("'mine'") && msg.contains("32") && msg.contains("64"), msg);
    RopeFrequencies right = RopeFrequencies.of(config.unscaledInvFreq(), 1);
    PositionEncoding later =
        PositionEncoding.lengthDependent("mine", config, 100, n -> n <= 100 ? right : half);
    assertEquals(64, later.frequencies(100).rotaryDim());
    assertThrows(RopeException.class, () -> later.frequencies(101));
    assertThrows(
        RopeException.class,
        () -> PositionEncoding.lengthDependent("mine", config, 100, n -> half));
  }

  @Test
  void everyBuiltInReturnsTheConfiguredRotaryDimension() {
    RopeConfig.Builder b =
        RopeConfig.builder()
            .ropeTheta(10000)
            .headDim(64)
            .maxPositionEmbeddings(8192)
            .originalMaxPositionEmbeddings(2048);
    List<Double> ones = new ArrayList<>();
    for (int k = 0; k < 32; k++) {
      ones.add(1.0);
    }
    for (String id : PositionEncodings.providers().keySet()) {
      RopeConfig.Builder c = RopeConfig.builder().ropeTheta(10000).headDim(64);
      c = b.build().toBuilder().ropeType(id);
      switch (id) {
        case "longrope":
          c.parameter("short_factor", ones).parameter("long_factor", ones);
          break;
        case "llama3":
          c.parameter("factor", 4.0)
              .parameter("low_freq_factor", 1.0)
              .parameter("high_freq_factor", 4.0);
          break;
        case "default":
          break;
        default:
          c.parameter("factor", 4.0);
      }
      PositionEncoding e = PositionEncodings.create(c.build());
      assertEquals(id, e.ropeType());
      assertEquals(32, e.invFreq().length, id);
      assertEquals(64, e.table(RopeLayout.INTERLEAVED, 0, 3).rotaryDim(), id);
    }
  }

  private static class Named implements PositionEncodingProvider {
    private final String id;

    Named(String id) {
      this.id = id;
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public PositionEncoding create(RopeConfig config, RopeParams params) {
      return PositionEncoding.fixed(id, config, RopeFrequencies.of(config.unscaledInvFreq(), 1));
    }
  }
}
