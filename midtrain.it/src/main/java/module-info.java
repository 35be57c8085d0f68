/**
 * A user's module, as a user would write it: plugs a custom schedule, a custom rater and a custom
 * modifier into midtrain through the SPIs alone. Its tests use only exported API, on the module
 * path.
 */
module midtrain.it {
  requires midtrain.sched;
  requires midtrain.data;
  // Only for the build check that reads the POMs (BomCompletenessIT).
  requires static java.xml;

  provides midtrain.sched.spi.ScheduleProvider with
      midtrain.it.StepDecayProvider;
  provides midtrain.data.spi.RaterProvider with
      midtrain.it.DigitShareProvider;
  provides midtrain.data.spi.ModifierProvider with
      midtrain.it.MaskDigitsProvider;
}
