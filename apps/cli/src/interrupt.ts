/**
 * For a command that runs until the user stops it (`events --follow`): Ctrl-C (SIGINT) aborts
 * `signal` instead of killing the process, so stopping is the command's normal end (exit 0), not
 * an interruption (130, kept for a prompt cut short). Only the first Ctrl-C is taken, and only
 * until `dispose`: after that a Ctrl-C kills the process as usual, so a run that hangs while
 * shutting down can still be stopped.
 */
export function abortOnInterrupt(): { readonly signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onInterrupt = () => {
    controller.abort();
  };
  process.once('SIGINT', onInterrupt);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onInterrupt);
    },
  };
}
