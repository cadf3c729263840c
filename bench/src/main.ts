import { adminOf, parseBenchArgs, type BenchArgs } from './args.js';
import { compareBuilds } from './build-comparison.js';
import { createBenchDatabase } from './databases.js';
import { checkInvariants, describeInvariants, type InvariantReport } from './invariants.js';
import { reportHeader, writeReportFile } from './report-file.js';
import { startBenchServer } from './server-process.js';
import { prepareSqlCheckouts } from './sql-reference.js';
import {
  checkoutsPerSecond,
  combine,
  ratioOf,
  summarize,
  type LatencySummary,
  type RunResult,
} from './stats.js';
import { prepareServer, runServerCheckouts } from './trpc-workload.js';

/**
 * `pnpm bench`: checkouts per second through the real server (HTTP, tRPC client, engine,
 * PostgreSQL), beside the same logical work as plain SQL, in one run on one machine; with
 * `--against <path>`, beside another build's server instead.
 */
async function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2), process.env);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  log(
    `bench: ${args.users} users, ${args.duration} s (+${args.warmup} s warm-up), ${args.skus} SKUs`,
  );
  log(
    'bench: USER_VELOCITY raised to 1,000,000 payments/min (FRAUD_USER_VELOCITY_MAX): every user pays constantly',
  );
  if (args.against === undefined) await benchServerAgainstSql(args, log);
  else await compareBuilds(args, args.against, log);
}

/** The server beside the raw-SQL reference, each on its own fresh database. */
async function benchServerAgainstSql(args: BenchArgs, log: (line: string) => void): Promise<void> {
  const serverDb = await createBenchDatabase(args.databaseUrl, 'server');
  const sqlDb = await createBenchDatabase(args.databaseUrl, 'sql');
  try {
    const server = args.url === undefined ? await startBenchServer(serverDb.url) : undefined;
    const url = args.url ?? server?.url ?? '';
    const serverRuns: RunResult[] = [];
    const sqlRuns: RunResult[] = [];
    let peakRssMiB: number | null = null;
    try {
      const clients = await prepareServer(url, server?.admin ?? adminOf(args), args);
      const sql = await prepareSqlCheckouts(sqlDb.url, args);
      try {
        // The sides take turns, so a machine that speeds up or slows down meanwhile (a shared
        // VM does, by a fifth over a minute) weighs on both alike. Each warms up once.
        const duration = args.duration / args.rounds;
        for (let round = 0; round < args.rounds; round++) {
          const warmup = round === 0 ? args.warmup : 0;
          log(`bench: round ${round + 1}/${args.rounds}: server, then raw SQL, ${duration} s each`);
          serverRuns.push(await runServerCheckouts(clients, { ...args, warmup, duration }));
          sqlRuns.push(await sql.run({ warmup, duration }));
        }
      } finally {
        await sql.close();
      }
      peakRssMiB = (await server?.peakRssMiB()) ?? null;
    } finally {
      await server?.stop();
    }
    const serverRun = combine(serverRuns);
    const sqlRun = combine(sqlRuns);
    const invariants = args.url === undefined ? await checkInvariants(serverDb.url) : null;

    const report = {
      ...reportHeader(args),
      server: {
        checkoutsPerSecond: checkoutsPerSecond(serverRun),
        errors: serverRun.errors,
        latencyMs: summarize(serverRun.latencies),
        peakRssMiB,
        errorSamples: serverRun.errorSamples,
      },
      sql: {
        checkoutsPerSecond: checkoutsPerSecond(sqlRun),
        errors: sqlRun.errors,
        latencyMs: summarize(sqlRun.latencies),
      },
      ratio: ratioOf(checkoutsPerSecond(serverRun), checkoutsPerSecond(sqlRun)),
      invariants,
    };
    const out = await writeReportFile(report, args.out, 'bench');
    printReport(report);
    log(`bench: written to ${out}`);
    if (serverRun.errors > 0 || (invariants !== null && !invariants.ok)) process.exitCode = 1;
  } finally {
    await serverDb.drop();
    await sqlDb.drop();
  }
}

function printReport(r: {
  server: {
    checkoutsPerSecond: number;
    errors: number;
    latencyMs: LatencySummary;
    peakRssMiB: number | null;
  };
  sql: { checkoutsPerSecond: number; errors: number; latencyMs: LatencySummary };
  ratio: number;
  invariants: InvariantReport | null;
}): void {
  const row = (
    name: string,
    s: { checkoutsPerSecond: number; errors: number; latencyMs: LatencySummary },
  ) =>
    `${name.padEnd(8)} ${String(s.checkoutsPerSecond).padStart(9)} ${String(s.latencyMs.p50).padStart(7)} ${String(s.latencyMs.p95).padStart(7)} ${String(s.latencyMs.p99).padStart(7)} ${String(s.errors).padStart(7)}`;
  const lines = [
    'side     checkout/s  p50 ms  p95 ms  p99 ms  errors',
    row('server', r.server),
    row('raw SQL', r.sql),
    `ratio (server / raw SQL): ${r.ratio}`,
    `server peak RSS: ${r.server.peakRssMiB ?? 'n/a'} MiB`,
    r.invariants
      ? `invariants: ${describeInvariants(r.invariants)}`
      : 'invariants: not checked (external --url)',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
