import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

/** The machine a report was measured on. */
export function describeMachine(): { cpus: number; cpu: string; memGiB: number } {
  return {
    cpus: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memGiB: Math.round(totalmem() / 2 ** 30),
  };
}

/** What every report starts with: when, where, and the run's shape. */
export function reportHeader(args: {
  readonly users: number;
  readonly duration: number;
  readonly skus: number;
  readonly rounds: number;
  readonly warmup: number;
}) {
  const { users, duration, skus, rounds, warmup } = args;
  return {
    at: new Date().toISOString(),
    machine: describeMachine(),
    node: process.version,
    args: { users, duration, skus, rounds, warmup },
  };
}

/**
 * Writes `report` as JSON to `out`, or to `bench/results/<prefix>-<at>.json`; returns the path.
 */
export async function writeReportFile(
  report: { readonly at: string },
  out: string | undefined,
  prefix: string,
): Promise<string> {
  const path =
    out ??
    fileURLToPath(
      new URL(`../results/${prefix}-${report.at.replace(/[:.]/g, '-')}.json`, import.meta.url),
    );
  await mkdir(fileURLToPath(new URL('../results/', import.meta.url)), { recursive: true });
  await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
  return path;
}
