import type { ChalkInstance } from 'chalk';

/** The three standard streams, as a run sees them; tests pass in-memory ones. */
export interface CliIo {
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  readonly stdout: NodeJS.WritableStream & { readonly isTTY?: boolean; readonly columns?: number };
  readonly stderr: NodeJS.WritableStream & { readonly isTTY?: boolean };
}

/**
 * Where results and messages go. stdout carries results only — in `--json` mode exactly one
 * JSON document — and stderr everything else, so `ordersctl … --json | jq` always parses.
 */
export interface Output {
  readonly json: boolean;
  /** Colours for stdout; plain when colour is off. */
  readonly style: ChalkInstance;
  /** Prints `data` as JSON in `--json` mode, otherwise the lines `render` makes of it. */
  result<T>(data: T, render: (data: T, style: ChalkInstance) => readonly string[]): void;
  /** A side remark for people (stderr); dropped in `--json` mode. */
  note(message: string): void;
  /** The one error line, plus detail lines when asked for. */
  error(message: string, detail: readonly string[]): void;
}

export interface OutputOptions {
  readonly json: boolean;
  /** `--no-color` not given and `NO_COLOR` not set. */
  readonly color: boolean;
}

/** Loads chalk on first use: `--version` and `--help` never print in colour, so never pay for it. */
export async function createOutput(io: CliIo, options: OutputOptions): Promise<Output> {
  const { Chalk } = await import('chalk');
  const colourFor = (stream: { readonly isTTY?: boolean }) =>
    new Chalk({ level: !options.json && options.color && stream.isTTY === true ? 1 : 0 });
  const style = colourFor(io.stdout);
  const errStyle = colourFor(io.stderr);
  return {
    json: options.json,
    style,
    result(data, render) {
      const text = options.json ? JSON.stringify(data, null, 2) : render(data, style).join('\n');
      io.stdout.write(`${text}\n`);
    },
    note(message) {
      if (!options.json) io.stderr.write(`${errStyle.dim(message)}\n`);
    },
    error(message, detail) {
      io.stderr.write(`${errStyle.red('error:')} ${message}\n`);
      for (const line of detail) io.stderr.write(`${errStyle.dim(`  ${line}`)}\n`);
    },
  };
}

/** Label/value rows with the values aligned: `email  a@b.c`. */
export function formatFields(
  rows: readonly (readonly [string, string])[],
  style: ChalkInstance,
): string[] {
  const width = Math.max(0, ...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${style.dim(label.padEnd(width))}  ${value}`);
}
