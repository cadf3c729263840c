/**
 * How long after the Ctrl-C that stopped a run another SIGINT counts as the same one. GNU
 * `timeout -s INT` signals its child and then the child's whole process group, so a run under it
 * gets two SIGINTs microseconds apart; a terminal's Ctrl-C also reaches every process of the
 * foreground group. A person pressing Ctrl-C again because the run hangs does so later than this.
 */
export const REPEAT_WINDOW_MS = 1_000;

/**
 * For a command that runs until the user stops it (`events --follow`, `webhooks listen`): Ctrl-C
 * (SIGINT) aborts `signal` instead of killing the process, so stopping is the command's normal end
 * (exit 0), not an interruption (130, kept for a prompt cut short). A SIGINT within
 * `repeatWindowMs` ({@link REPEAT_WINDOW_MS}) of that first one is the same Ctrl-C delivered twice and is ignored;
 * after that (or after `dispose`, when nothing was interrupted) a Ctrl-C kills the process as
 * usual, so a run that hangs while shutting down can still be stopped.
 */
export function abortOnInterrupt(repeatWindowMs = REPEAT_WINDOW_MS): {
  readonly signal: AbortSignal;
  dispose(): void;
} {
  const controller = new AbortController();
  let windowOpen = false;
  const stopListening = () => {
    process.off('SIGINT', onInterrupt);
  };
  function onInterrupt() {
    if (controller.signal.aborted) return;
    // The listener outlives `dispose` until the window closes, since the repeat may come after
    // the command has already ended; unref'd, the wait never holds the process open. Opened
    // before `abort()`, whose listeners run at once and may dispose.
    windowOpen = true;
    setTimeout(() => {
      windowOpen = false;
      stopListening();
    }, repeatWindowMs).unref();
    controller.abort();
  }
  process.on('SIGINT', onInterrupt);
  return {
    signal: controller.signal,
    dispose: () => {
      if (!windowOpen) stopListening();
    },
  };
}
