import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from './testing/build-cli.js';

const BUILT_INTERRUPT = fileURLToPath(new URL('../dist/interrupt.js', import.meta.url));

/**
 * A process that follows until Ctrl-C, as `events --follow` does, with real signals. `hang`: it
 * then never finishes shutting down (only a force quit ends it), and says when the window for a
 * repeated SIGINT has closed; otherwise it ends a moment after the Ctrl-C, as a tail does.
 */
function script(hang: boolean, windowMs: number): string {
  return `
import { abortOnInterrupt } from ${JSON.stringify(pathToFileURL(BUILT_INTERRUPT).href)};
const interrupt = abortOnInterrupt(${windowMs});
const alive = setInterval(() => {}, 1000);
interrupt.signal.addEventListener('abort', () => {
  console.log('aborted');
  if (${hang}) {
    const watch = setInterval(() => {
      if (process.listenerCount('SIGINT') > 0) return;
      clearInterval(watch);
      console.log('window closed');
    }, 10);
  } else {
    interrupt.dispose();
    clearInterval(alive);
    process.stdin.resume();
    process.stdin.once('end', () => console.log('done'));
  }
});
console.log('ready');
`;
}

interface Run {
  readonly lines: string[];
  waitFor(line: string): Promise<void>;
  signal(): void;
  finish(): void;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * `script` running; without `hang` it ends once `finish` closes its stdin, so a test decides
 * what has happened before it does.
 */
function start(hang: boolean, windowMs: number): Run {
  const child = spawn(process.execPath, ['--input-type=module', '-e', script(hang, windowMs)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  const waiters: { line: string; resolve: () => void }[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    for (const w of waiters.filter((w) => w.line === line)) w.resolve();
  });
  return {
    lines,
    waitFor: (line) =>
      lines.includes(line)
        ? Promise.resolve()
        : new Promise((resolve) => waiters.push({ line, resolve })),
    signal: () => child.kill('SIGINT'),
    finish: () => child.stdin.end(),
    exited: new Promise((resolve) => {
      child.once('close', (code, signal) => {
        resolve({ code, signal });
      });
    }),
  };
}

beforeAll(async () => {
  await buildCli();
});

describe('abortOnInterrupt', () => {
  it('takes two SIGINTs sent together (as `timeout -s INT` sends them) as one Ctrl-C: a clean end, exit 0', async () => {
    const run = start(false, 30_000);
    await run.waitFor('ready');
    run.signal();
    run.signal();
    await run.waitFor('aborted');
    run.finish();
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(run.lines).toEqual(['ready', 'aborted', 'done']);
  });

  it('ignores a second SIGINT that comes after the first was handled and the command ended, within the window', async () => {
    // The case that killed `timeout -s INT 5 ordersctl events --follow` with 130: the group's
    // copy of the signal arrived once the first had stopped the tail and its listener was gone.
    const run = start(false, 30_000);
    await run.waitFor('ready');
    run.signal();
    await run.waitFor('aborted');
    run.signal();
    run.finish();
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(run.lines).toEqual(['ready', 'aborted', 'done']);
  });

  it('lets a later Ctrl-C kill a run that hangs while stopping (a force quit)', async () => {
    const run = start(true, 100);
    await run.waitFor('ready');
    run.signal();
    await run.waitFor('window closed');
    run.signal();
    expect(await run.exited).toEqual({ code: null, signal: 'SIGINT' });
    expect(run.lines).toEqual(['ready', 'aborted', 'window closed']);
  });
});
