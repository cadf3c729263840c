const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const FRAME_MS = 80;
const CLEAR_LINE = '\r\u001b[K';

/** Progress lines, with a spinner under them while something is awaited. */
export interface Progress {
  /** A line that stays. */
  log(line: string): void;
  /** What is being waited for now (the spinner's text); ignored without a terminal. */
  status(text: string): void;
  /** Removes the spinner; later `log` lines still print. */
  stop(): void;
}

/**
 * On a terminal, a spinner redrawn in place with each line printed above it; anywhere else (a
 * pipe, a CI log) plain lines only, with no control codes.
 */
export function createProgress(
  stream: NodeJS.WritableStream & { readonly isTTY?: boolean },
  options: { readonly animate: boolean },
): Progress {
  if (!options.animate || stream.isTTY !== true) {
    return {
      log: (line) => stream.write(`${line}\n`),
      status: () => undefined,
      stop: () => undefined,
    };
  }
  let text = '';
  let frame = 0;
  let timer: NodeJS.Timeout | undefined;
  const draw = () => {
    stream.write(`${CLEAR_LINE}${FRAMES[frame % FRAMES.length] ?? ''} ${text}`);
    frame += 1;
  };
  return {
    log(line) {
      stream.write(`${CLEAR_LINE}${line}\n`);
      if (timer) draw();
    },
    status(next) {
      text = next;
      if (!timer) {
        timer = setInterval(draw, FRAME_MS);
        // The spinner must never be what keeps the process alive.
        timer.unref();
      }
      draw();
    },
    stop() {
      if (!timer) return;
      clearInterval(timer);
      timer = undefined;
      stream.write(CLEAR_LINE);
    },
  };
}
