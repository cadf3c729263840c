#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadCliEnv, type CliEnv } from './env.js';
import { normalizeServer } from './context.js';
import { ExitCode, exitErrorFrom } from './errors.js';
import { createOutput, type CliIo } from './output.js';
import { createProgram } from './program.js';
import { readVersion } from './version.js';

/**
 * One run of `ordersctl`: parses `argv`, runs the command, and turns whatever it threw into an
 * exit code and one line on stderr. Never exits the process, so tests call it directly.
 */
export async function run(argv: readonly string[], io: CliIo, env: CliEnv): Promise<number> {
  const program = createProgram(io, env, readVersion());
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ExitCode.ok;
  } catch (error) {
    const options = program.opts();
    const out = await createOutput(io, {
      json: options.json === true,
      color: options.color && !env.noColor,
    });
    const commander = commanderOutcome(error);
    if (commander) {
      if (commander.message !== undefined) out.error(commander.message, []);
      return commander.code;
    }
    const failure = exitErrorFrom(error, serverOf(options.server));
    out.error(failure.message, options.verbose === true ? failure.detail : []);
    return failure.code;
  }
}

/**
 * Commander's own outcomes: help and version shown (0), help shown because no command was given
 * (2), or a usage mistake (2) with its message.
 */
function commanderOutcome(error: unknown): { code: ExitCode; message?: string } | undefined {
  if (!(error instanceof Error) || error.name !== 'CommanderError') return undefined;
  const { code, exitCode } = error as Error & { code?: unknown; exitCode?: unknown };
  const shownHelpOrVersion = ['commander.helpDisplayed', 'commander.version', 'commander.help'];
  if (shownHelpOrVersion.includes(String(code))) {
    return { code: exitCode === 0 ? ExitCode.ok : ExitCode.usage };
  }
  const message = error.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ');
  return { code: ExitCode.usage, message: `${message} — see \`ordersctl --help\`` };
}

/** The server as the run used it (normalised), or as typed when it was not a valid URL. */
function serverOf(raw: string): string {
  try {
    return normalizeServer(raw);
  } catch {
    return raw;
  }
}

/** The files that run ordersctl as a program: this one, and the package's `bin`, which imports it. */
const PROGRAM_FILES = [import.meta.url, new URL('../bin/ordersctl.js', import.meta.url).href];

/** True when node was asked to run one of PROGRAM_FILES (not when a test imports this file). */
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  const realPath = (path: string) => {
    try {
      return realpathSync(path);
    } catch {
      return undefined;
    }
  };
  const running = realPath(script);
  return (
    running !== undefined && PROGRAM_FILES.some((url) => realPath(fileURLToPath(url)) === running)
  );
}

if (isEntryPoint()) {
  // `ordersctl products | head -3` closes the pipe early: the reader chose to stop, nothing failed.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
  const io: CliIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
  process.exitCode = await run(process.argv.slice(2), io, loadCliEnv());
}
