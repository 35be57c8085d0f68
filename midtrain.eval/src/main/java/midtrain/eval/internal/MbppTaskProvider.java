package midtrain.eval.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import midtrain.eval.CodeExecutor;
import midtrain.eval.EvalException;
import midtrain.eval.GenerativeItem;
import midtrain.eval.GenerativeScorer;
import midtrain.eval.spi.EvalTask;
import midtrain.eval.spi.TaskConfig;
import midtrain.eval.spi.TaskDocument;
import midtrain.eval.spi.TaskProvider;

/**
 * {@code mbpp}: Google's Mostly Basic Python Problems, as lm-evaluation-harness's {@code mbpp} task
 * runs it: three few-shot examples (the harness's are task ids 2, 3 and 4 of the prompt split),
 * each {@code "You are an expert Python programmer, and here is your task: {text} Your code should
 * pass these tests:\n\n{tests}\n[BEGIN]\n"} then its code and {@code "\n[DONE]"}, greedy generation
 * until {@code [DONE]} (256 tokens at most), the harness's code extraction, and the program {@code
 * code + "\n" + tests}; pass@k over the problems.
 *
 * <p>Reads the original {@code mbpp.jsonl} ({@code task_id, text, code, test_list, test_setup_code,
 * challenge_test_list}) or the sanitized variant ({@code prompt} for {@code text}, and {@code
 * test_imports}). Without few-shot documents the examples come from the problems file itself (task
 * ids 2, 3, 4), which is then evaluated on its test split (task ids 11 to 510) when it holds other
 * ids too. Options beyond {@link CodeTask}'s: {@code num-fewshot} (3).
 */
public final class MbppTaskProvider implements TaskProvider {
  /** The harness's {@code generation_kwargs.until}. */
  public static final List<String> UNTIL = List.of("[DONE]");

  /** The harness's default {@code max_gen_toks}, which the mbpp task does not change. */
  static final int MAX_GEN_TOKS = 256;

  /** The task ids of the harness's few-shot examples, in prompt order. */
  static final List<String> FEWSHOT_IDS = List.of("2", "3", "4");

  /** The test split's task ids, inclusive, as the data set's splits are defined. */
  static final int TEST_FIRST = 11;

  static final int TEST_LAST = 510;

  private static final Pattern CODE_BLOCK =
      Pattern.compile(
          "```(?:\\w+)?\\n?(.*?)\\n?```", Pattern.DOTALL | Pattern.UNICODE_CHARACTER_CLASS);

  private final Function<CodeTask.ExecSettings, CodeExecutor> executors;

  /** Creates the provider, running programs with {@link midtrain.eval.PythonExecutor}; cheap. */
  public MbppTaskProvider() {
    this(CodeTask::python);
  }

  /**
   * Creates the provider with another executor, for tests.
   *
   * @param executors makes the executor of each run from its settings
   */
  public MbppTaskProvider(Function<CodeTask.ExecSettings, CodeExecutor> executors) {
    this.executors = executors;
  }

  @Override
  public String id() {
    return "mbpp";
  }

  @Override
  public String description() {
    return "basic Python problems, 3-shot, pass@k by running their asserts (Google MBPP)";
  }

  /**
   * Returns a problem's prompt text, the harness's {@code doc_to_text}: the first three tests, an
   * absent one empty as Jinja renders it.
   *
   * @param text the problem's statement
   * @param tests its tests
   * @return the text
   */
  public static String text(String text, List<String> tests) {
    StringBuilder b =
        new StringBuilder("You are an expert Python programmer, and here is your task: ")
            .append(text)
            .append(" Your code should pass these tests:\n\n");
    for (int i = 0; i < 3; i++) {
      b.append(i < tests.size() ? tests.get(i) : "").append(i < 2 ? "\n" : "");
    }
    return b.append("\n[BEGIN]\n").toString();
  }

  /**
   * Returns the code the harness runs from a completion, its {@code extract_code_blocks}: the first
   * fenced block (looked for after an opening fence put in front, as the harness's prompt prefix
   * would have it; then with {@code ```python} fences read as plain ones), else the whole
   * completion, after {@code from __future__ import annotations}.
   *
   * <p>As in the harness, a word right after the opening fence is taken for a language tag even
   * when it is code ({@code def} of {@code ```def f(): ...```}).
   *
   * @param completion the model's continuation, cut at {@code [DONE]}
   * @return the code
   */
  public static String extractCode(String completion) {
    String head = "from __future__ import annotations\n";
    Matcher m = CODE_BLOCK.matcher("```" + completion);
    if (m.find()) {
      return head + m.group(1);
    }
    m = CODE_BLOCK.matcher(completion.replace("```python", "```"));
    if (m.find()) {
      return head + m.group(1);
    }
    return head + completion;
  }

  /**
   * Returns the program that is run: the code, then the test imports and setup code where the
   * problem has them, then every test.
   *
   * @param code the code, as {@link #extractCode} gives it
   * @param imports the sanitized variant's {@code test_imports}, possibly none
   * @param setup the problem's {@code test_setup_code}, possibly empty
   * @param tests the problem's {@code test_list}
   * @return the program
   */
  public static String program(
      String code, List<String> imports, String setup, List<String> tests) {
    StringBuilder b = new StringBuilder(code).append('\n');
    for (String i : imports) {
      b.append(i).append('\n');
    }
    if (!setup.isEmpty()) {
      b.append(setup).append('\n');
    }
    return b.append(String.join("\n", tests)).toString();
  }

  /** One problem as read. */
  private record Doc(
      TaskDocument doc,
      String id,
      String text,
      List<String> tests,
      List<String> imports,
      String setup) {
    GenerativeItem item(String target) {
      return GenerativeItem.of(doc.where(), MbppTaskProvider.text(text, tests), target);
    }
  }

  private static Doc read(TaskDocument d) {
    String id = CodeTask.taskId(d);
    String text = d.fields().containsKey("text") ? d.text("text") : d.text("prompt");
    List<String> tests = strings(d, "test_list", true);
    List<String> imports =
        d.fields().get("test_imports") == null ? List.of() : strings(d, "test_imports", false);
    String setup = d.fields().get("test_setup_code") == null ? "" : d.text("test_setup_code");
    return new Doc(d, id, text, tests, imports, setup);
  }

  private static List<String> strings(TaskDocument d, String field, boolean needOne) {
    Object v = d.fields().get(field);
    if (v == null) {
      throw d.error(field, "is missing");
    }
    if (!(v instanceof List<?> l)) {
      throw d.error(field, "is not a list of strings");
    }
    List<String> out = new ArrayList<>();
    for (Object x : l) {
      if (!(x instanceof String s)) {
        throw d.error(field, "holds " + x + ", not a string");
      }
      out.add(s);
    }
    if (needOne && out.isEmpty()) {
      throw d.error(field, "is empty; a problem needs at least one test");
    }
    return out;
  }

  private static boolean inTestSplit(String id) {
    try {
      long n = Long.parseLong(id);
      return n >= TEST_FIRST && n <= TEST_LAST;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  @Override
  public EvalTask create(TaskConfig config) {
    CodeTask.Options o = CodeTask.options(config, MAX_GEN_TOKS);
    int numFewshot = config.integer("num-fewshot", 3, 0);
    if (config.documents().isEmpty()) {
      throw new EvalException(
          config.task()
              + ": no documents; give MBPP's problems (JSONL with task_id, text, code and"
              + " test_list, as mbpp.jsonl)");
    }
    List<Doc> all = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    for (TaskDocument d : config.documents()) {
      Doc x = read(d);
      String before = seen.putIfAbsent(x.id(), d.where());
      if (before != null) {
        throw d.error("task_id", "is " + x.id() + ", as at " + before + "; ids must differ");
      }
      all.add(x);
    }
    // The examples: the first of the few-shot documents given (the harness's first_n sampler),
    // else the harness's own, task ids 2, 3 and 4, from the problems file.
    List<GenerativeItem> examples = new ArrayList<>();
    String fewshotFrom;
    if (!config.fewshot().isEmpty()) {
      Fewshot.checkUsed(config, numFewshot);
      if (config.fewshot().size() < numFewshot) {
        throw config.error(
            "num-fewshot",
            "is " + numFewshot + " but only " + config.fewshot().size() + " few-shot documents");
      }
      for (TaskDocument d : config.fewshot().subList(0, numFewshot)) {
        examples.add(read(d).item(d.text("code") + "\n[DONE]"));
      }
      fewshotFrom = "few-shot documents";
    } else {
      if (numFewshot > FEWSHOT_IDS.size()) {
        throw config.error(
            "num-fewshot",
            "is "
                + numFewshot
                + " but the harness's examples are task ids 2, 3 and 4; give few-shot documents"
                + " for more");
      }
      for (String id : FEWSHOT_IDS.subList(0, numFewshot)) {
        Doc x = all.stream().filter(a -> a.id().equals(id)).findFirst().orElse(null);
        if (x == null) {
          throw config.error(
              "num-fewshot",
              "is "
                  + numFewshot
                  + " but the problems hold no task_id "
                  + id
                  + " (the harness's examples are task ids 2, 3 and 4 of the prompt split); give"
                  + " the whole mbpp.jsonl, few-shot documents, or 0");
        }
        examples.add(x.item(x.doc().text("code") + "\n[DONE]"));
      }
      fewshotFrom = numFewshot == 0 ? "none" : "task_id 2, 3, 4";
    }
    // The whole data set (ids outside the test split present): evaluate its test split, as the
    // harness does; a file of other problems is evaluated whole.
    boolean whole = all.stream().anyMatch(a -> !inTestSplit(a.id()));
    boolean anyTest = all.stream().anyMatch(a -> inTestSplit(a.id()));
    List<Doc> eval =
        whole && anyTest ? all.stream().filter(a -> inTestSplit(a.id())).toList() : all;
    GenerativeScorer scorer = CodeTask.scorer(config, o, UNTIL, "");
    List<CodeTask.Problem> problems = new ArrayList<>();
    for (Doc x : eval.subList(0, Math.min(o.limit(), eval.size()))) {
      GenerativeItem item = x.item("");
      String prompt = scorer.prompt(examples, item);
      int[] ctx = CodeTask.context(scorer, x.doc().where(), prompt);
      problems.add(
          new CodeTask.Problem(
              x.id(),
              x.doc().where(),
              ctx,
              c -> program(extractCode(c), x.imports(), x.setup(), x.tests())));
    }
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("num_fewshot", numFewshot);
    extra.put("fewshot_from", fewshotFrom);
    extra.put(
        "split",
        whole && anyTest ? "test (task_id " + TEST_FIRST + " to " + TEST_LAST + ")" : "all");
    return new CodeTask(config.task(), o, scorer, problems, executors, extra);
  }
}
