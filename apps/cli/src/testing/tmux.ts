import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { BUILT_MAIN } from './run-cli.js';

const run = promisify(execFile);

/** Whether tmux can be run here (CI installs it; elsewhere the terminal tests say they skipped). */
export function hasTmux(): boolean {
  return spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;
}

/** A real pseudo-terminal running the built `ordersctl`, driven by keys and read as a screen. */
export interface Terminal {
  /** The visible screen, wrapped lines joined. */
  screen(): Promise<string>;
  /** Waits until the screen shows `text`; returns that screen. */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<string>;
  /** Types text literally (no key names). */
  type(text: string): Promise<void>;
  /** Presses keys by tmux name: `Enter`, `Space`, `Down`, `BSpace`, … */
  press(...keys: string[]): Promise<void>;
  /** Waits for the command to end; its exit code. */
  exitCode(timeoutMs?: number): Promise<number>;
  close(): Promise<void>;
}

let sessions = 0;
const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/**
 * `ordersctl <argv>` in a new tmux server of its own (its own socket, so tests never meet), with
 * only the variables given. The pane stays after the command ends, showing `[exited N]`.
 */
export async function openTerminal(
  argv: readonly string[],
  env: Readonly<Record<string, string>>,
): Promise<Terminal> {
  sessions += 1;
  const socket = `ordersctl-test-${process.pid}-${sessions}`;
  const tmux = (...args: string[]) => run('tmux', ['-L', socket, ...args]);
  const variables = { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'xterm-256color', ...env };
  const command = [
    'env -i',
    ...Object.entries(variables).map(([k, v]) => quote(`${k}=${v}`)),
    quote(process.execPath),
    quote(BUILT_MAIN),
    ...argv.map(quote),
  ].join(' ');
  const shell = `${command}; echo "[exited $?]"; sleep 600`;
  await tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'cli', '-x', '110', '-y', '45', shell);

  const screen = async () =>
    (await tmux('capture-pane', '-p', '-J', '-t', 'cli')).stdout.replace(/\s+$/, '');
  const waitFor = async (text: string | RegExp, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const shown = await screen();
      if (typeof text === 'string' ? shown.includes(text) : text.test(shown)) return shown;
      if (Date.now() > deadline) {
        throw new Error(`the terminal never showed ${String(text)}; it shows:\n${shown}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return {
    screen,
    waitFor,
    async type(text) {
      await tmux('send-keys', '-t', 'cli', '-l', text);
    },
    async press(...keys) {
      for (const key of keys) await tmux('send-keys', '-t', 'cli', key);
    },
    async exitCode(timeoutMs = 20_000) {
      const shown = await waitFor(/\[exited \d+\]/, timeoutMs);
      return Number(/\[exited (\d+)\]/.exec(shown)?.[1]);
    },
    async close() {
      await tmux('kill-server').catch(() => undefined);
    },
  };
}
