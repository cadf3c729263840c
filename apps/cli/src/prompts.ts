import { ExitCode, ExitError } from './errors.js';
import { readFirstLine } from './stdin-line.js';

/**
 * Every question the CLI asks lives here. A value a flag supplied is never asked for; with no
 * terminal (or `--json`) a missing value is a usage error that names the flag, never a hang.
 * `@inquirer/prompts` is loaded only when a question is actually asked.
 */
export interface Asker {
  /** May we prompt? (stdin and stdout are terminals, not `--json`) */
  readonly interactive: boolean;
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
}

/** Passwords the server accepts (DESIGN §4); checked early only to spare a round trip. */
const PASSWORD_MIN = 8;
const PASSWORD_MAX = 128;

/** The usage error for a value that was neither given by a flag nor askable. */
export function missing(what: string, flag: string): ExitError {
  return new ExitError(ExitCode.usage, `missing ${what} — pass ${flag} (no terminal to ask on)`);
}

export async function emailFrom(given: string | undefined, asker: Asker): Promise<string> {
  if (given !== undefined) return given.trim();
  if (!asker.interactive) throw missing('email', '--email <email>');
  const { input } = await import('@inquirer/prompts');
  const answer = await input(
    {
      message: 'Email',
      required: true,
      validate: (value) => /^\S+@\S+$/.test(value.trim()) || 'enter an email address',
    },
    streams(asker),
  );
  return answer.trim();
}

/** Optional: an empty answer (or no terminal) means no name. */
export async function nameFrom(
  given: string | undefined,
  asker: Asker,
): Promise<string | undefined> {
  if (given !== undefined) return given.trim();
  if (!asker.interactive) return undefined;
  const { input } = await import('@inquirer/prompts');
  const answer = (await input({ message: 'Name (optional)' }, streams(asker))).trim();
  return answer === '' ? undefined : answer;
}

/**
 * From stdin with `--password-stdin`, else a masked prompt. A new password (`confirm`) is asked
 * twice and must meet the server's length rule.
 */
export async function passwordFrom(
  fromStdin: boolean,
  asker: Asker,
  { confirm }: { readonly confirm: boolean },
): Promise<string> {
  if (fromStdin) {
    const line = await readFirstLine(asker.input);
    if (line === '')
      throw new ExitError(
        ExitCode.usage,
        'no password on stdin (--password-stdin reads the first line)',
      );
    return line;
  }
  if (!asker.interactive) throw missing('password', '--password-stdin and the password on stdin');
  const { password } = await import('@inquirer/prompts');
  const first = await password(
    {
      message: 'Password',
      mask: true,
      validate: (value) => {
        if (!confirm) return value !== '' || 'enter your password';
        return (
          (value.length >= PASSWORD_MIN && value.length <= PASSWORD_MAX) ||
          `use ${PASSWORD_MIN}–${PASSWORD_MAX} characters`
        );
      },
    },
    streams(asker),
  );
  if (!confirm) return first;
  await password(
    {
      message: 'Confirm password',
      mask: true,
      validate: (value) => value === first || 'passwords do not match',
    },
    streams(asker),
  );
  return first;
}

/** Where @inquirer/prompts reads keys and draws: the run's streams, never `process`'s. */
export function streams(asker: Asker) {
  return { input: asker.input, output: asker.output };
}
