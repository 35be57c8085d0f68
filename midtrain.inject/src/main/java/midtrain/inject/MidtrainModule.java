package midtrain.inject;

import com.google.inject.AbstractModule;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.multibindings.Multibinder;
import java.util.Map;
import midtrain.data.io.Formats;
import midtrain.data.mix.Mixers;
import midtrain.data.modify.Modifiers;
import midtrain.data.rate.Raters;
import midtrain.data.spi.FormatProvider;
import midtrain.data.spi.MixerProvider;
import midtrain.data.spi.ModifierProvider;
import midtrain.data.spi.RaterProvider;
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

/**
 * Binds every discovered midtrain provider into a {@code Set<XxxProvider>} multibinder and a {@code
 * Map<String, XxxProvider>} map binder keyed by {@code id()}.
 *
 * <p>Discovery is midtrain's own ({@link Raters#providers()} and friends), so duplicate ids fail
 * exactly as they do without Guice. Other Guice modules may add providers of their own to the same
 * binders ({@code Multibinder.newSetBinder(binder(), RaterProvider.class).addBinding()...}); a
 * provider added that way is visible to injected code, not to midtrain's static registries.
 *
 * <pre>{@code
 * Injector injector = Guice.createInjector(new MidtrainModule());
 * Map<String, RaterProvider> raters =
 *     injector.getInstance(Key.get(new TypeLiteral<Map<String, RaterProvider>>() {}));
 * }</pre>
 */
public final class MidtrainModule extends AbstractModule {
  /** Creates the module. */
  public MidtrainModule() {}

  @Override
  protected void configure() {
    bindAll(RaterProvider.class, Raters.providers());
    bindAll(MixerProvider.class, Mixers.providers());
    bindAll(FormatProvider.class, Formats.providers());
    bindAll(ModifierProvider.class, Modifiers.providers());
    bindAll(SynthesizerProvider.class, Synthesizers.providers());
    bindAll(TokenizerProvider.class, Tokenizers.providers());
    bindAll(ScheduleProvider.class, Schedules.providers());
    bindAll(PositionEncodingProvider.class, PositionEncodings.providers());
    bindAll(TaskProvider.class, Tasks.providers());
  }

  /** Binds providers keyed by id, as the registries return them. */
  private <T> void bindAll(Class<T> type, Map<String, ? extends T> found) {
    Multibinder<T> set = Multibinder.newSetBinder(binder(), type);
    MapBinder<String, T> map =
        MapBinder.newMapBinder(binder(), TypeLiteral.get(String.class), TypeLiteral.get(type));
    for (Map.Entry<String, ? extends T> e : found.entrySet()) {
      set.addBinding().toInstance(e.getValue());
      map.addBinding(e.getKey()).toInstance(e.getValue());
    }
  }
}
