/**
 * Optional Guice wiring: {@link midtrain.inject.MidtrainModule} binds every provider that {@link
 * java.util.ServiceLoader} finds (schedules, raters, mixers, formats) into Guice multibinders, for
 * users who assemble their application with Guice. The API modules never require Guice.
 */
module midtrain.inject {
  requires transitive com.google.guice;
  requires transitive midtrain.sched;
  requires transitive midtrain.data;

  exports midtrain.inject;
}
