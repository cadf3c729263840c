/**
 * The README's `ordersctl` examples, as a test runs them.
 *
 * What counts as an example: in the sections named (a `## ` heading and its `### ` subsections,
 * up to the next `## `), the fenced blocks tagged `sh` or `console` that run `ordersctl`. In a
 * `sh` block every line that is not blank or a comment is a command; in a `console` block the
 * lines starting with `$ ` are (the others are the output it shows). Untagged blocks — the
 * synopsis listing every command with its `[--flags]` — and blocks that never run `ordersctl`
 * (`pnpm install && pnpm start`) are not examples. A trailing `# exit N` comment gives the exit
 * code the example has; without one it is 0.
 */
export interface ReadmeExample {
  /** The command as the README writes it (a console block's `$ ` dropped). */
  readonly command: string;
  /** 1-based line in the README. */
  readonly line: number;
  /** What the README says it exits with. */
  readonly exitCode: number;
  /**
   * Set for a `signup` or `login` that, on a terminal, would ask for the password of this
   * email: the test gives it on stdin with `--password-stdin`, as the README shows for scripts.
   */
  readonly passwordFor?: string;
}

const FENCE = /^```(\S*)\s*$/;

export function readmeExamples(markdown: string, sections: readonly string[]): ReadmeExample[] {
  const examples: ReadmeExample[] = [];
  let inSection = false;
  let block: { tag: 'sh' | 'console' | undefined; commands: ReadmeExample[] } | undefined;
  for (const [index, text] of markdown.split('\n').entries()) {
    const fence = FENCE.exec(text);
    if (block) {
      if (fence) {
        if (block.commands.some((c) => runsOrdersctl(c.command))) examples.push(...block.commands);
        block = undefined;
      } else if (block.tag !== undefined) {
        const command = block.tag === 'console' ? consoleCommand(text) : shCommand(text);
        if (command !== undefined) block.commands.push(exampleOf(command, index + 1));
      }
    } else if (text.startsWith('## ')) {
      inSection = sections.includes(text.slice(3).trim());
    } else if (fence) {
      // Every block is followed to its closing fence, so that fence is not taken for an opening
      // one; only `sh` and `console` blocks in the sections have a tag to read them by.
      const tag = fence[1];
      const readable = inSection && (tag === 'sh' || tag === 'console');
      block = { tag: readable ? tag : undefined, commands: [] };
    }
  }
  return examples;
}

function consoleCommand(text: string): string | undefined {
  return text.startsWith('$ ') ? text.slice(2).trim() : undefined;
}

function shCommand(text: string): string | undefined {
  const command = text.trim();
  return command === '' || command.startsWith('#') ? undefined : command;
}

function exampleOf(command: string, line: number): ReadmeExample {
  const { code, comment } = splitComment(command);
  const exitCode = Number(/\bexit (\d+)\b/.exec(comment)?.[1] ?? 0);
  const words = code.split(/\s+/);
  const asksPassword =
    /(?:^|[\s|;&(])ordersctl\s+(?:.*\s)?(?:signup|login)(?:\s|$)/.test(code) &&
    !words.includes('--password-stdin');
  if (!asksPassword) return { command, line, exitCode };
  const email = /--email[= ](\S+)/.exec(code)?.[1];
  if (email === undefined) {
    throw new Error(`README line ${line}: \`${code}\` would ask for the email too (no --email)`);
  }
  return { command, line, exitCode, passwordFor: email };
}

/** The command without its trailing `# …` comment (a `#` after a space, outside quotes). */
export function splitComment(command: string): { code: string; comment: string } {
  let quote: string | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i];
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(command[i - 1] ?? ''))) {
      return { code: command.slice(0, i).trimEnd(), comment: command.slice(i) };
    }
  }
  return { code: command, comment: '' };
}

function runsOrdersctl(command: string): boolean {
  return /(?:^|[\s|;&(])ordersctl(?:\s|$)/.test(splitComment(command).code);
}

/**
 * One bash script running the examples in order, in one shell (so `ORDER=$(…)` carries on).
 * Before each it prints a marker on stdout and stderr (to cut the output per example); after
 * each it writes `<index> <exit code>` to fd 3. A password prompt is answered on stdin from the
 * variable `passwordVariable(email)` names.
 */
export function examplesScript(examples: readonly ReadmeExample[]): string {
  const lines = ['set -o pipefail'];
  for (const [index, example] of examples.entries()) {
    const marker = `printf '\\n${exampleMarker(index)}\\n'`;
    lines.push(`${marker}; ${marker} >&2`);
    lines.push(
      example.passwordFor === undefined
        ? example.command
        : `${splitComment(example.command).code} --password-stdin <<<"$${passwordVariable(example.passwordFor)}"`,
    );
    lines.push(`echo "${index} $?" >&3`);
  }
  return `${lines.join('\n')}\n`;
}

/** The shell variable holding the password of `email`. */
export function passwordVariable(email: string): string {
  return `PASSWORD_${email.replace(/[^A-Za-z0-9]/g, '_').toUpperCase()}`;
}

export function exampleMarker(index: number): string {
  return `@@ README example ${index}`;
}

/** What example `index` wrote on a stream the markers cut. */
export function outputOf(stream: string, index: number): string {
  const start = stream.indexOf(`${exampleMarker(index)}\n`);
  if (start === -1) return '';
  const from = start + exampleMarker(index).length + 1;
  const end = stream.indexOf(`\n${exampleMarker(index + 1)}\n`, from);
  return stream.slice(from, end === -1 ? undefined : end);
}
