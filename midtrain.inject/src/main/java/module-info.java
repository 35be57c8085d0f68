/**
 * Optional Guice wiring: {@link midtrain.inject.MidtrainModule} binds every provider that {@link
 * java.util.ServiceLoader} finds (schedules, rotary scalings, raters, mixers, formats, modifiers,
 * synthesizers, tokenizers, evaluation tasks) into Guice multibinders, for users who assemble their
 * application with Guice. The API modules never require Guice.
 */
module midtrain.inject {
  requires transitive com.google.guice;
  requires transitive midtrain.sched;
  requires transitive midtrain.data;
  requires transitive midtrain.rope;
  requires transitive midtrain.eval;

  exports midtrain.inject;
}
