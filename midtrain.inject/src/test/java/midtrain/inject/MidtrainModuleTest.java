package midtrain.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.MapBinder;
import java.util.Map;
import java.util.Set;
import midtrain.data.mix.Mixer;
import midtrain.data.mix.Mixers;
import midtrain.data.modify.Modifiers;
import midtrain.data.spi.MixerProvider;
import midtrain.data.spi.ModifierProvider;
import midtrain.data.spi.SynthesizerProvider;
import midtrain.data.spi.TokenizerProvider;
import midtrain.data.synth.Synthesizers;
import midtrain.data.token.Tokenizers;
import midtrain.eval.Tasks;
import midtrain.eval.spi.TaskProvider;
import midtrain.rope.PositionEncodings;
import midtrain.rope.spi.PositionEncodingProvider;
import midtrain.sched.Schedules;
import midtrain.sched.spi.ScheduleProvider;
import org.junit.jupiter.api.Test;

class MidtrainModuleTest {
  @Test
  void bindsEveryDiscoveredProviderBySetAndById() {
    Injector injector = Guice.createInjector(new MidtrainModule());
    Map<String, MixerProvider> mixers =
        injector.getInstance(Key.get(new TypeLiteral<Map<String, MixerProvider>>() {}));
    assertEquals(Mixers.providers().keySet(), mixers.keySet());
    assertSame(Mixers.providers().get("ratio"), mixers.get("ratio"));
    Set<ScheduleProvider> schedules =
        injector.getInstance(Key.get(new TypeLiteral<Set<ScheduleProvider>>() {}));
    assertEquals(Schedules.providers().size(), schedules.size());
    assertTrue(Schedules.providers().containsKey("wsd"));
    // Every data SPI is bound, the text modifiers and synthesizers too.
    Map<String, ModifierProvider> modifiers =
        injector.getInstance(Key.get(new TypeLiteral<Map<String, ModifierProvider>>() {}));
    assertEquals(Modifiers.providers().keySet(), modifiers.keySet());
    assertTrue(modifiers.containsKey("pii"));
    Map<String, SynthesizerProvider> synthesizers =
        injector.getInstance(Key.get(new TypeLiteral<Map<String, SynthesizerProvider>>() {}));
    assertEquals(Synthesizers.providers().keySet(), synthesizers.keySet());
    assertTrue(synthesizers.containsKey("rewrite"));
    Set<TokenizerProvider> tokenizers =
        injector.getInstance(Key.get(new TypeLiteral<Set<TokenizerProvider>>() {}));
    assertEquals(Tokenizers.providers().size(), tokenizers.size());
    // And those of the JDK-only modules: rotary scalings and evaluation tasks.
    Map<String, PositionEncodingProvider> ropes =
        injector.getInstance(Key.get(new TypeLiteral<Map<String, PositionEncodingProvider>>() {}));
    assertEquals(PositionEncodings.providers().keySet(), ropes.keySet());
    assertTrue(ropes.containsKey("yarn"));
    Map<String, TaskProvider> tasks =
        injector.getInstance(Key.get(new TypeLiteral<Map<String, TaskProvider>>() {}));
    assertEquals(Tasks.providers().keySet(), tasks.keySet());
    assertTrue(tasks.containsKey("gsm8k"));
  }

  @Test
  void otherModulesAddTheirOwnProviders() {
    MixerProvider mine =
        new MixerProvider() {
          @Override
          public String id() {
            return "mine";
          }

          @Override
          public Mixer create(Map<String, Double> params) {
            return Mixers.create("ratio", Map.of());
          }
        };
    Injector injector =
        Guice.createInjector(
            new MidtrainModule(),
            new AbstractModule() {
              @Override
              protected void configure() {
                MapBinder.newMapBinder(binder(), String.class, MixerProvider.class)
                    .addBinding("mine")
                    .toInstance(mine);
              }
            });
    Map<String, MixerProvider> mixers =
        injector.getInstance(Key.get(new TypeLiteral<Map<String, MixerProvider>>() {}));
    assertSame(mine, mixers.get("mine"));
    assertEquals(Mixers.providers().size() + 1, mixers.size());
  }
}
