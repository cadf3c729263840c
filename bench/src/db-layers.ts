import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createDatabase } from '@orders/db';
import { cpuMsBetween, machineBusyMs, watchBackendCpu } from './backend-cpu.js';
import { seedCheckouts, type CheckoutFixture } from './checkout-db-seed.js';
import { checkout } from './checkout-db-workload.js';
import { createBenchDatabase, type BenchDatabase } from './databases.js';
import { checkInvariants, describeInvariants } from './invariants.js';
import { createPostgresJsDatabase, type CheckoutDatabase } from './postgres-js-database.js';
import { describeMachine, writeReportFile } from './report-file.js';
import { checkoutsPerSecond, combine, runLoad, summarize, type RunResult } from './stats.js';

/**
 * `pnpm --filter @orders/bench db-layers -- [--users 32] [--rounds 4] [--slice 5] [--warmup 3]
 * [--skus 1000] [--pool 10] [--out F]`: the checkout's database work (no HTTP, no server) through
 * `@orders/db` on pg and through the same surface on postgres.js, side by side on one PostgreSQL
 * (`DATABASE_URL`), each layer on its own fresh database, the layers taking turns in slices.
 */
interface Layer {
  readonly name: string;
  readonly bench: BenchDatabase;
  readonly db: CheckoutDatabase;
  readonly fixture: CheckoutFixture;
  readonly runs: RunResult[];
  clientCpuMs: number;
  backendCpuMs: number | null;
  /** The rest of the machine's CPU meanwhile: a quiet machine keeps it near 0. */
  othersCpuMs: number | null;
}

async function main(): Promise<void> {
  const args = parseLayerArgs(process.argv.slice(2), process.env);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  log(
    `db-layers: ${args.users} workers, pool ${args.pool} per layer, ${args.rounds} rounds × ${args.slice} s per layer (+${args.warmup} s warm-up), ${args.skus} SKUs; load ${loadavg()[0]?.toFixed(2)}`,
  );
  const layers: Layer[] = [];
  try {
    for (const [name, open] of [
      [
        '@orders/db (pg)',
        (url: string) => createDatabase({ url, poolMax: args.pool, prepareStatements: true }),
      ],
      ['postgres.js', (url: string) => createPostgresJsDatabase({ url, poolMax: args.pool })],
    ] as const) {
      const bench = await createBenchDatabase(
        args.databaseUrl,
        name.startsWith('@') ? 'pg' : 'pgjs',
      );
      const fixture = await seedCheckouts(bench.url, args);
      layers.push({
        name,
        bench,
        db: open(bench.url),
        fixture,
        runs: [],
        clientCpuMs: 0,
        backendCpuMs: 0,
        othersCpuMs: 0,
      });
    }
    for (const layer of layers) {
      await runLoad(args.users, 0, args.warmup, (user) => checkout(layer.db, layer.fixture, user));
    }
    for (let round = 0; round < args.rounds; round++) {
      // Each round the other layer goes first, so neither always follows the other's garbage.
      const order = round % 2 === 0 ? layers : [...layers].reverse();
      for (const layer of order) await measureSlice(layer, args);
      log(
        `db-layers: round ${round + 1}/${args.rounds}: ${layers.map((l) => `${l.name} ${rate(l.runs.at(-1))}/s`).join(', ')}`,
      );
    }
    const report = {
      at: new Date().toISOString(),
      machine: describeMachine(),
      node: process.version,
      loadAverageAtEnd: loadavg()[0],
      args: { ...args, databaseUrl: undefined },
      layers: await Promise.all(
        layers.map(async (layer) => summaryOf(layer, await checkInvariants(layer.bench.url))),
      ),
    };
    const out = await writeReportFile(report, args.out, 'db-layers');
    printReport(report.layers);
    log(`db-layers: written to ${out}`);
    if (report.layers.some((l) => l.errors > 0 || !l.invariants.ok)) process.exitCode = 1;
  } finally {
    for (const layer of layers) {
      await layer.db.close();
      await layer.bench.drop();
    }
  }
}

/** One measured slice of a layer's load, with this process's, its backends' and others' CPU. */
async function measureSlice(layer: Layer, args: LayerArgs): Promise<void> {
  const database = new URL(layer.bench.url).pathname.slice(1);
  const backends = await watchBackendCpu(args.databaseUrl, database);
  try {
    const before = await backends.sample();
    const machineBefore = await machineBusyMs();
    const cpu = process.cpuUsage();
    layer.runs.push(
      await runLoad(args.users, 0, args.slice, (user) => checkout(layer.db, layer.fixture, user)),
    );
    const used = process.cpuUsage(cpu);
    const machineAfter = await machineBusyMs();
    const machineMs =
      machineBefore === null || machineAfter === null ? null : machineAfter - machineBefore;
    const clientMs = (used.user + used.system) / 1000;
    const backendMs = cpuMsBetween(before, await backends.sample());
    layer.clientCpuMs += clientMs;
    layer.backendCpuMs = sumOrNull(layer.backendCpuMs, backendMs);
    layer.othersCpuMs = sumOrNull(
      layer.othersCpuMs,
      machineMs === null || backendMs === null ? null : machineMs - clientMs - backendMs,
    );
  } finally {
    await backends.close();
  }
}

const sumOrNull = (a: number | null, b: number | null) => (a === null || b === null ? null : a + b);

function summaryOf(layer: Layer, invariants: Awaited<ReturnType<typeof checkInvariants>>) {
  const run = combine(layer.runs);
  const perCheckout = (ms: number | null) =>
    ms === null || run.checkouts === 0 ? null : round3(ms / run.checkouts);
  return {
    name: layer.name,
    checkoutsPerSecond: checkoutsPerSecond(run),
    perRound: layer.runs.map(rate),
    latencyMs: summarize(run.latencies),
    errors: run.errors,
    errorSamples: run.errorSamples,
    clientCpuMsPerCheckout: perCheckout(layer.clientCpuMs),
    backendCpuMsPerCheckout: perCheckout(layer.backendCpuMs),
    /** Cores the rest of the machine kept busy during this layer's slices (noise). */
    othersCores: layer.othersCpuMs === null ? null : round3(layer.othersCpuMs / 1000 / run.seconds),
    invariants,
  };
}

function printReport(layers: readonly ReturnType<typeof summaryOf>[]): void {
  const cell = (value: string | number | null, width: number) =>
    String(value ?? 'n/a').padStart(width);
  const lines = [
    'layer               checkout/s  p50 ms  p99 ms  errors  node CPU ms/co  PG CPU ms/co    other cores  per round',
    ...layers.map(
      (l) =>
        `${l.name.padEnd(18)}${cell(l.checkoutsPerSecond, 12)}${cell(l.latencyMs.p50, 8)}${cell(l.latencyMs.p99, 8)}${cell(l.errors, 8)}${cell(l.clientCpuMsPerCheckout, 16)}${cell(l.backendCpuMsPerCheckout, 14)}${cell(l.othersCores, 15)}  ${l.perRound.join(' ')}`,
    ),
    ...layers.map((l) => `invariants ${l.name}: ${describeInvariants(l.invariants)}`),
    ...layers.flatMap((l) => l.errorSamples.map((e) => `error ${l.name}: ${e}`)),
  ];
  const [a, b] = layers;
  if (a && b)
    lines.push(
      `ratio (${b.name} / ${a.name}): ${round3(b.checkoutsPerSecond / a.checkoutsPerSecond)}`,
    );
  process.stdout.write(`${lines.join('\n')}\n`);
}

const rate = (run: RunResult | undefined) => (run === undefined ? 0 : checkoutsPerSecond(run));
const round3 = (n: number) => Math.round(n * 1000) / 1000;

interface LayerArgs {
  readonly users: number;
  readonly rounds: number;
  readonly slice: number;
  readonly warmup: number;
  readonly skus: number;
  readonly pool: number;
  readonly databaseUrl: string;
  readonly out: string | undefined;
}

function parseLayerArgs(argv: readonly string[], env: NodeJS.ProcessEnv): LayerArgs {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== '--'),
    options: {
      users: { type: 'string', default: '32' },
      rounds: { type: 'string', default: '4' },
      slice: { type: 'string', default: '5' },
      warmup: { type: 'string', default: '3' },
      skus: { type: 'string', default: '1000' },
      pool: { type: 'string', default: '10' },
      out: { type: 'string' },
    },
  });
  const databaseUrl = env.DATABASE_URL;
  if (databaseUrl === undefined || databaseUrl === '') {
    throw new Error(
      'DATABASE_URL must name a real PostgreSQL server (e.g. postgres://postgres@127.0.0.1:5432/test)',
    );
  }
  const positive = (value: string, name: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
    return n;
  };
  return {
    users: positive(values.users, 'users'),
    rounds: positive(values.rounds, 'rounds'),
    slice: positive(values.slice, 'slice'),
    warmup: positive(values.warmup, 'warmup'),
    skus: positive(values.skus, 'skus'),
    pool: positive(values.pool, 'pool'),
    databaseUrl,
    out: values.out,
  };
}

main().catch((error: unknown) => {
  process.stderr.write(
    `db-layers: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
