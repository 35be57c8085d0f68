package midtrain.cli.internal;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top-level {@code midtrain} command. */
@Command(
    name = "midtrain",
    mixinStandardHelpOptions = true,
    versionProvider = MidtrainCommand.Version.class,
    description = "LLM mid-training on the JVM: schedules, position encodings, data, training.",
    subcommands = {
      QuickstartCommand.class,
      ScheduleCommand.class,
      InitModelCommand.class,
      RopeCommand.class,
      AverageCommand.class,
      CurateCommand.class,
      RateCommand.class,
      SynthesizeCommand.class,
      DecontaminateCommand.class,
      MixCommand.class,
      PackCommand.class,
      FastTextCommand.class,
      TrainCommand.class,
      EvalCommand.class,
      CommandLine.HelpCommand.class
    })
public final class MidtrainCommand implements Runnable {

  /** Exception types (by class name) whose message is a complete, user-facing input error. */
  private static final Set<String> INPUT_ERRORS =
      Set.of(
          "midtrain.sched.ScheduleException",
          "midtrain.rope.RopeException",
          "midtrain.data.DataException",
          "midtrain.train.TrainException",
          "midtrain.eval.EvalException",
          UserInputException.class.getName());

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
  }

  /**
   * Builds the command line with midtrain's error handling: input errors print one line and exit
   * with 2, anything else prints its stack trace and exits with 1.
   *
   * @return the configured command line
   */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new MidtrainCommand());
    // Descriptions are written as lines of up to about 95 characters; at picocli's default of 80
    // columns each one wrapped into a long and a short line.
    cl.setUsageHelpWidth(100);
    // A usage mistake: one line naming it and where to look, not the whole help.
    cl.setParameterExceptionHandler(
        (ex, args) -> {
          CommandLine c = ex.getCommandLine();
          PrintWriter err = c.getErr();
          String name = c.getCommandSpec().qualifiedName();
          err.println(name + ": " + ex.getMessage() + " (see: " + name + " --help)");
          err.flush();
          return 2;
        });
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          PrintWriter err = commandLine.getErr();
          // The full name ("midtrain fasttext predict"), as for usage mistakes above.
          String name = commandLine.getCommandSpec().qualifiedName();
          if (isInputError(ex)) {
            err.println(name + ": " + message(ex));
            err.flush();
            return 2;
          }
          err.println(name + ": failed: " + ex);
          ex.printStackTrace(err);
          err.flush();
          return 1;
        });
    return cl;
  }

  static boolean isInputError(Throwable ex) {
    for (Throwable t = ex; t != null; t = t.getCause()) {
      for (Class<?> c = t.getClass(); c != null; c = c.getSuperclass()) {
        if (INPUT_ERRORS.contains(c.getName())) {
          return true;
        }
      }
      if (t instanceof NoSuchFileException) {
        return true;
      }
    }
    return false;
  }

  private static String message(Throwable ex) {
    if (ex instanceof UncheckedIOException && ex.getCause() instanceof NoSuchFileException) {
      return "no such file: " + ex.getCause().getMessage();
    }
    if (ex instanceof NoSuchFileException) {
      return "no such file: " + ex.getMessage();
    }
    return ex.getMessage();
  }

  /** Reports the version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = MidtrainCommand.class.getPackage().getImplementationVersion();
      return new String[] {"midtrain " + (v == null ? "(development build)" : v)};
    }
  }
}
