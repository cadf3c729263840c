/** What the demo prints: headings, each command with its output, and each check it made. */

let steps = 0;

/** Something the story did not expect: the demo stops and exits non-zero. */
export class Surprise extends Error {
  override readonly name = 'Surprise';
}

export function heading(title: string): void {
  process.stdout.write(`\n=== ${title}\n`);
}

export function step(title: string): void {
  steps += 1;
  process.stdout.write(`\n── ${steps}. ${title}\n`);
}

export function resetSteps(): void {
  steps = 0;
}

/** `$ ordersctl …` and what it printed (both streams, in the order they came), indented. */
export function command(argv: readonly string[], output: string, note = ''): void {
  const shown = argv.map((a) => (/^[\w@./:=,-]+$/.test(a) ? a : `"${a}"`)).join(' ');
  process.stdout.write(`$ ordersctl ${shown}${note === '' ? '' : `   ${note}`}\n`);
  const text = output.replace(/\n+$/, '');
  if (text !== '') process.stdout.write(`${text.replace(/^/gm, '  ')}\n`);
}

export function info(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** A check the demo makes: printed with a tick when it holds; a Surprise when it does not. */
export function expectThat(holds: boolean, what: string, detail?: () => string): void {
  if (!holds) throw new Surprise(detail ? `${what} — ${detail()}` : what);
  process.stdout.write(`  ✓ ${what}\n`);
}
