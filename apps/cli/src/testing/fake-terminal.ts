import { PassThrough, Writable } from 'node:stream';
import type { CliIo } from '../output.js';

/**
 * A pretend terminal: stdin and stdout claim to be TTYs, the test types with `answer`, which
 * waits for a prompt to appear before sending its keys (keys sent early would go to the
 * previous prompt).
 */
export function fakeTerminal() {
  let screen = '';
  const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => stdin });
  const stdout = Object.assign(
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        screen += chunk.toString('utf8');
        done();
      },
    }),
    {
      isTTY: true,
      columns: 80,
      rows: 24,
      // Each prompt pipes into stdout and ends that pipe when done; Node never lets a pipe end
      // the real process.stdout, so neither may it end this one.
      end() {
        return stdout;
      },
    },
  );
  let stderrText = '';
  const stderr = new Writable({
    write(chunk: Buffer, _encoding, done) {
      stderrText += chunk.toString('utf8');
      done();
    },
  });
  const io: CliIo = { stdin, stdout, stderr };
  let seen = 0;
  return {
    io,
    screen: () => screen,
    stderr: () => stderrText,
    /** Waits until `prompt` shows up after the previous answer, then types `text` and Enter. */
    async answer(prompt: string, text: string): Promise<void> {
      const deadline = Date.now() + 5_000;
      while (screen.indexOf(prompt, seen) === -1) {
        if (Date.now() > deadline)
          throw new Error(`prompt "${prompt}" never appeared; screen:\n${screen}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      seen = screen.length;
      stdin.write(`${text}\r`);
    },
  };
}
