package midtrain.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import midtrain.eval.spi.TaskResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code midtrain eval --task} with the general-ability tasks on a tiny random checkpoint: the
 * report holds what the API computes, for a shared-context task (arc_easy), a context-per-choice
 * one (winogrande) and a greedy-match one (lambada_openai).
 */
class EvalChoiceTaskCommandTest {
  @TempDir Path tmp;

  static final String ARC =
      "{\"id\": \"a1\", \"question\": \"What is 2 + 3?\", \"choices\": {\"text\": [\"5\", \"6\","
          + " \"7\"], \"label\": [\"A\", \"B\", \"C\"]}, \"answerKey\": \"A\"}\n"
          + "{\"id\": \"a2\", \"question\": \"What is 9 - 1?\", \"choices\": {\"text\": [\"7\","
          + " \"8\"], \"label\": [\"1\", \"2\"]}, \"answerKey\": \"2\"}\n";

  static final String WINO =
      "{\"sentence\": \"The pass key is _ . Remember it .\", \"option1\": \"5\", \"option2\":"
          + " \"7\", \"answer\": \"2\"}\n"
          + "{\"sentence\": \"What is 4 + _ = 8\", \"option1\": \"4\", \"option2\": \"3\","
          + " \"answer\": \"1\"}\n";

  static final String LAMBADA =
      "{\"text\": \"The pass key is 7 . Remember it\"}\n{\"text\": \"What is 2 + 3 = 5\"}\n";

  Path model() throws Exception {
    Path cfg = tmp.resolve("config.json");
    Files.writeString(
        cfg,
        "{\"model_type\":\"llama\",\"vocab_size\":96,\"hidden_size\":16,\"intermediate_size\":32,"
            + "\"num_hidden_layers\":1,\"num_attention_heads\":2,\"rope_theta\":10000.0,"
            + "\"max_position_embeddings\":256,\"eos_token_id\":2}");
    Path out = tmp.resolve("model");
    Object[] r =
        ScheduleCommandTest.run(
            "init-model", "--config", cfg.toString(), "--out", out.toString(), "--std", "0.5");
    assertEquals(0, r[0], (String) r[2]);
    EvalTaskCommandTest.tokenizer(out);
    return out;
  }

  @Test
  void reportHoldsWhatTheApiComputes() throws Exception {
    Path model = model();
    Path arc = Files.writeString(tmp.resolve("arc.jsonl"), ARC);
    Path wino = Files.writeString(tmp.resolve("wino.jsonl"), WINO);
    Path lambada = Files.writeString(tmp.resolve("lambada.jsonl"), LAMBADA);
    Path report = tmp.resolve("out.json");
    Object[] r =
        ScheduleCommandTest.run(
            "eval",
            "--model",
            model.toString(),
            "--task",
            "arc_easy=" + arc + ",winogrande=" + wino + ",lambada_openai=" + lambada,
            "--out",
            report.toString());
    assertEquals(0, r[0], (String) r[2]);
    JsonNode tasks = Inputs.JSON.readTree(report.toFile()).at("/tasks");
    Object[][] runs = {
      {"arc_easy", arc, ARC}, {"winogrande", wino, WINO}, {"lambada_openai", lambada, LAMBADA}
    };
    for (Object[] run : runs) {
      String id = (String) run[0];
      TaskResult t =
          EvalTaskCommandTest.direct(
              model,
              model,
              id,
              Map.of(),
              EvalTaskCommandTest.docs((Path) run[1], (String) run[2]),
              List.of());
      assertEquals(Inputs.JSON.valueToTree(t.details()), tasks.at("/" + id + "/model"), id);
      assertEquals(2, tasks.at("/" + id + "/model/items").asInt(), id);
    }
    assertTrue(tasks.at("/arc_easy/model/acc_norm_stderr").isNumber(), tasks.toString());
    assertTrue(tasks.at("/lambada_openai/model/perplexity").asDouble() > 1, tasks.toString());

    // A bad row stops the run before the model loads, naming the file, line and field.
    Path bad =
        Files.writeString(
            tmp.resolve("bad.jsonl"), WINO.replace("\"answer\": \"1\"", "\"answer\": 1"));
    Object[] b =
        ScheduleCommandTest.run("eval", "--model", model.toString(), "--task", "winogrande=" + bad);
    assertEquals(2, b[0], (String) b[2]);
    assertTrue(
        ((String) b[2]).contains(bad + ":2: field 'answer' must be \"1\" or \"2\""), (String) b[2]);
  }
}
