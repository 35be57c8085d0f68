/**
 * Training for mid-training runs: checkpoints with verified manifests (the DJL trainer builds on
 * these).
 */
module midtrain.train {
  requires transitive midtrain.sched;
  requires transitive midtrain.rope;
  requires transitive midtrain.data;
  // CheckpointLanguageModel implements eval's LanguageModel; eval needs only the JDK, so no cycle.
  requires transitive midtrain.eval;
  requires com.fasterxml.jackson.databind;
  requires transitive ai.djl.api;

  exports midtrain.train;
}
