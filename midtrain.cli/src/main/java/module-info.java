/** The {@code midtrain} command: the composition root over every midtrain module. */
module midtrain.cli {
  requires midtrain.sched;
  requires midtrain.rope;
  requires midtrain.data;
  requires midtrain.tokenizers;
  requires midtrain.train;
  requires ai.djl.api;
  requires midtrain.eval;
  requires info.picocli;
  requires me.tongfei.progressbar;
  requires com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.dataformat.yaml;
  requires org.knowm.xchart;
  requires java.desktop;

  exports midtrain.cli;

  // picocli reads and writes the annotated command fields reflectively.
  opens midtrain.cli.internal to
      info.picocli;
}
