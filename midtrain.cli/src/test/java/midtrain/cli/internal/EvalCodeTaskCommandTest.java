package midtrain.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import midtrain.eval.spi.TaskResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code midtrain eval --task humaneval,mbpp}: the real command on a tiny random checkpoint. */
class EvalCodeTaskCommandTest {
  @TempDir Path tmp;

  /** Two HumanEval-shaped problems of our own. */
  static final String HUMANEVAL =
      "{\"task_id\": \"T/0\", \"prompt\": \"def add(a, b):\\n    \\\"\\\"\\\"What is a + b?"
          + "\\\"\\\"\\\"\\n\", \"canonical_solution\": \"    return a + b\\n\", \"test\":"
          + " \"\\n\\ndef check(candidate):\\n    assert candidate(2, 3) == 5\\n\","
          + " \"entry_point\": \"add\"}\n"
          + "{\"task_id\": \"T/1\", \"prompt\": \"def sub(a, b):\\n    \\\"\\\"\\\"What is a - b?"
          + "\\\"\\\"\\\"\\n\", \"canonical_solution\": \"    return a - b\\n\", \"test\":"
          + " \"\\n\\ndef check(candidate):\\n    assert candidate(7, 4) == 3\\n\","
          + " \"entry_point\": \"sub\"}\n";

  /** MBPP-shaped problems: the prompt split's 2, 3, 4 and test split's 11. */
  static String mbpp() {
    StringBuilder b = new StringBuilder();
    for (int id : new int[] {2, 3, 4, 11}) {
      b.append("{\"task_id\": ")
          .append(id)
          .append(", \"text\": \"What is 1 + ")
          .append(id)
          .append(" ?\", \"code\": \"def f(): return ")
          .append(id + 1)
          .append("\", \"test_list\": [\"assert f() == ")
          .append(id + 1)
          .append("\"], \"test_setup_code\": \"\", \"challenge_test_list\": []}\n");
    }
    return b.toString();
  }

  static String interpreter() throws Exception {
    try {
      Process p =
          new ProcessBuilder("python3", "-c", "import sys; print(sys.executable)")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
    } catch (java.io.IOException e) {
      return null;
    }
  }

  EvalTaskCommandTest helper() {
    EvalTaskCommandTest t = new EvalTaskCommandTest();
    t.tmp = tmp;
    return t;
  }

  @Test
  void humanevalAndMbppRunAsTheApiDoes() throws Exception {
    String python = interpreter();
    assumeTrue(python != null, "python3 is not on PATH: the code tasks run programs with it");
    Path model = helper().model("model", "0.5");
    EvalTaskCommandTest.tokenizer(model);
    Path he = tmp.resolve("HumanEval.jsonl.gz");
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(he))) {
      o.write(HUMANEVAL.getBytes(StandardCharsets.UTF_8));
    }
    Path mb = Files.writeString(tmp.resolve("mbpp.jsonl"), mbpp());
    Path report = tmp.resolve("out.json");
    Object[] r =
        ScheduleCommandTest.run(
            "eval",
            "--model",
            model.toString(),
            "--task",
            "humaneval=" + he + ",mbpp=" + mb,
            "--allow-code-execution",
            "--samples",
            "3",
            "--pass-k",
            "1,2",
            "--temperature",
            "0.8",
            "--top-p",
            "0.9",
            "--max-gen-tokens",
            "6",
            "--exec-timeout",
            "2",
            "--exec-workers",
            "2",
            "--python",
            python,
            "--seed",
            "5",
            "--out",
            report.toString());
    assertEquals(0, r[0], (String) r[2]);
    JsonNode j = Inputs.JSON.readTree(report.toFile());
    Map<String, String> opts = new LinkedHashMap<>();
    opts.put("allow-code-execution", "true");
    opts.put("samples", "3");
    opts.put("pass-k", "1,2");
    opts.put("temperature", "0.8");
    opts.put("top-p", "0.9");
    opts.put("max-gen-tokens", "6");
    opts.put("exec-timeout", "2");
    opts.put("exec-workers", "2");
    opts.put("python", python);
    opts.put("seed", "5");
    for (String id : List.of("humaneval", "mbpp")) {
      Path file = id.equals("humaneval") ? he : mb;
      String text = id.equals("humaneval") ? HUMANEVAL : mbpp();
      JsonNode n = j.at("/tasks/" + id);
      assertEquals(file.toString(), n.get("file").asText());
      TaskResult direct =
          EvalTaskCommandTest.direct(
              model, model, id, opts, EvalTaskCommandTest.docs(file, text), List.of());
      // Sample for sample: the same seeds give the same completions and outcomes.
      // Through JSON text, as the report was: the seed is a long, which reads back as an int.
      assertEquals(
          Inputs.JSON.readTree(Inputs.JSON.writeValueAsString(direct.details())),
          n.get("model"),
          id);
      assertEquals(3, n.at("/model/samples_per_problem").asInt());
      assertEquals(0.8, n.at("/model/sampling/temperature").asDouble());
    }
    assertEquals(2, j.at("/tasks/humaneval/model/problems").asInt());
    assertEquals(1, j.at("/tasks/mbpp/model/problems").asInt(), "task_id 11 only");
    String out = (String) r[1];
    assertTrue(out.contains("task humaneval (" + he + ")"), out);
    assertTrue(out.contains("pass@1") && out.contains("pass@2"), out);
    assertTrue(out.contains("2 problems × 3 samples (temperature 0.8, top-p 0.9)"), out);
  }

  @Test
  void codeTasksNeedTheOptInAndTheirOptionsATask() throws Exception {
    Path model = helper().model("model", "0.02");
    EvalTaskCommandTest.tokenizer(model);
    Path he = Files.writeString(tmp.resolve("he.jsonl"), HUMANEVAL);
    Path gsm = Files.writeString(tmp.resolve("gsm.jsonl"), EvalTaskCommandTest.TEST);
    String[][] usage = {
      {
        "--task humaneval: --allow-code-execution is not given: humaneval runs the Python code the"
            + " model writes, on this machine",
        "--task",
        "humaneval=" + he,
        "--max-gen-tokens",
        "8"
      },
      {
        "--allow-code-execution applies to none of the tasks given",
        "--task",
        "gsm8k=" + gsm,
        "--num-fewshot",
        "0",
        "--max-gen-tokens",
        "8",
        "--allow-code-execution"
      },
      {
        "--samples applies to --task, which is not given",
        "--benchmark",
        gsm.toString(),
        "--samples",
        "2"
      },
      {
        "--task humaneval: --pass-k holds 5; each k must be from 1 to the samples per problem, 2",
        "--task",
        "humaneval=" + he,
        "--allow-code-execution",
        "--samples",
        "2",
        "--pass-k",
        "1,5",
        "--max-gen-tokens",
        "8"
      },
      {
        "--task humaneval: --max-gen-tokens is 1024 but the model takes 256 tokens",
        "--task",
        "humaneval=" + he,
        "--allow-code-execution"
      },
      {
        "--task humaneval: --top-p applies when sampling",
        "--task",
        "humaneval=" + he,
        "--allow-code-execution",
        "--top-p",
        "0.5",
        "--max-gen-tokens",
        "8"
      },
      {
        "--task mbpp: --num-fewshot is 3 but the problems hold no task_id 2",
        "--task",
        "mbpp="
            + Files.writeString(
                tmp.resolve("mb.jsonl"),
                "{\"task_id\": 11, \"text\": \"t\", \"code\": \"c\", \"test_list\": [\"assert 1\"]}\n"),
        "--allow-code-execution",
        "--max-gen-tokens",
        "8"
      },
    };
    for (String[] c : usage) {
      List<String> args = new ArrayList<>(List.of("eval", "--model", model.toString()));
      args.addAll(List.of(c).subList(1, c.length));
      Object[] r = ScheduleCommandTest.run(args.toArray(String[]::new));
      String err = (String) r[2];
      assertEquals(2, r[0], c[0] + ": " + err);
      assertTrue(err.contains(c[0]), c[0] + ": " + err);
      assertEquals(1, err.strip().lines().count(), err);
    }
  }
}
