/**
 * Training for mid-training runs: checkpoints with verified manifests (the DJL trainer builds on
 * these).
 */
module midtrain.train {
  requires transitive midtrain.sched;
  requires transitive midtrain.rope;
  requires transitive midtrain.data;
  requires com.fasterxml.jackson.databind;
  requires transitive ai.djl.api;

  exports midtrain.train;
}
