import type { BenchArgs } from './args.js';
import {
  printBuildComparison,
  toComparisonReport,
  type BuildResult,
} from './build-comparison-report.js';
import { createEmptyBenchDatabase, type BenchDatabase } from './databases.js';
import { checkInvariants } from './invariants.js';
import { writeReportFile } from './report-file.js';
import {
  bothBuilds,
  eachBuild,
  locateServerBuild,
  nameOf,
  THIS_ROOT,
  type BuildPair,
  type ServerBuild,
} from './server-builds.js';
import { startBenchServer, type BenchServer } from './server-process.js';
import { checkoutsPerSecond, combine, ratioOf, type RunResult } from './stats.js';
import { prepareServer, runServerCheckouts, type BenchClient } from './trpc-workload.js';

const DATABASE_LABEL = {
  'this build': 'this',
  against: 'against',
} as const satisfies Record<ServerBuild['role'], string>;

/** A build and the fresh database its server runs on. */
interface BuildOnDatabase {
  readonly build: ServerBuild;
  readonly database: BenchDatabase;
}

/** One build's server, stocked, with its logged-in users and the slices measured so far. */
interface LoadedServer {
  readonly server: BenchServer;
  readonly clients: readonly BenchClient[];
  readonly slices: RunResult[];
}

/**
 * `--against <root>`: this checkout's server beside the server built in `againstRoot`, each on a
 * fresh database of its own on the same PostgreSQL server (migrated by that server, so each build
 * runs on its own schema), stocked alike, with the same users and workload, the two taking turns
 * in `--rounds` rounds of a slice each, as the server and raw SQL do by default. Then checks both
 * databases' invariants (with this checkout's checks, which read the schema as this build has it).
 */
export async function compareBuilds(
  args: BenchArgs,
  againstRoot: string,
  log: (line: string) => void,
): Promise<void> {
  const builds: BuildPair<ServerBuild> = {
    thisBuild: await locateServerBuild('this build', THIS_ROOT),
    against: await locateServerBuild('against', againstRoot),
  };
  for (const build of bothBuilds(builds)) {
    log(`bench: ${nameOf(build)}: ${build.serverMain} (commit ${build.revision ?? 'unknown'})`);
  }
  const drops: (() => Promise<void>)[] = [];
  try {
    const sides = await eachBuild(builds, async (build): Promise<BuildOnDatabase> => {
      const database = await createEmptyBenchDatabase(args.databaseUrl, DATABASE_LABEL[build.role]);
      drops.push(() => database.drop());
      return { build, database };
    });
    const measured = await measureInTurns(sides, args, log);
    // After both servers stopped: nothing is left in flight on either database.
    const invariants = await eachBuild(sides, (side) => checkInvariants(side.database.url));
    const report = toComparisonReport(args, {
      thisBuild: {
        build: builds.thisBuild,
        ...measured.thisBuild,
        invariants: invariants.thisBuild,
      },
      against: { build: builds.against, ...measured.against, invariants: invariants.against },
    });
    const out = await writeReportFile(report, args.out, 'bench-against');
    printBuildComparison(report);
    log(`bench: written to ${out}`);
    const failed = bothBuilds(report).some((side) => side.errors > 0 || !side.invariants.ok);
    if (failed) process.exitCode = 1;
  } finally {
    for (const drop of drops.reverse()) await drop();
  }
}

/**
 * Starts both servers, stocks each and signs its users up, then runs the checkouts in turns, one
 * slice of each a round, so that a drift of the machine's speed weighs on both alike. Stops both
 * servers before returning.
 */
async function measureInTurns(
  sides: BuildPair<BuildOnDatabase>,
  args: BenchArgs,
  log: (line: string) => void,
): Promise<BuildPair<Omit<BuildResult, 'build' | 'invariants'>>> {
  const started: BenchServer[] = [];
  try {
    const servers = await eachBuild(sides, async ({ build, database }) => {
      const server = await startBenchServer(database.url, { serverMain: build.serverMain });
      started.push(server);
      return server;
    });
    const loaded = await eachBuild(servers, async (server): Promise<LoadedServer> => ({
      server,
      clients: await prepareServer(server.url, server.admin, args),
      slices: [],
    }));
    for (let round = 0; round < args.rounds; round++) await runRound(loaded, round, args, log);
    return await eachBuild(loaded, async (side) => ({
      run: combine(side.slices),
      slices: side.slices,
      peakRssMiB: await side.server.peakRssMiB(),
    }));
  } finally {
    for (const server of started) await server.stop();
  }
}

/**
 * One slice of each build; each warms up in the first round only. Which goes first alternates by
 * round (this build, against | against, this build | …), so that a slice's place in the round
 * (after the other build's slice or after its own, with what that left behind: garbage, dirty
 * pages, idle connections) weighs on both alike, and so does a drift of the machine's speed.
 */
async function runRound(
  loaded: BuildPair<LoadedServer>,
  round: number,
  args: BenchArgs,
  log: (line: string) => void,
): Promise<void> {
  const duration = args.duration / args.rounds;
  const warmup = round === 0 ? args.warmup : 0;
  const first = round % 2 === 0 ? 'thisBuild' : 'against';
  const order = first === 'thisBuild' ? 'this build, then against' : 'against, then this build';
  const counter = `round ${round + 1}/${args.rounds}`;
  log(`bench: ${counter}: ${order}, ${duration} s each`);
  const rates = await eachBuild(
    loaded,
    async (side) => {
      const slice = await runServerCheckouts(side.clients, { ...args, warmup, duration });
      side.slices.push(slice);
      return checkoutsPerSecond(slice);
    },
    first,
  );
  // Each round's own ratio: their spread shows how far the machine's noise reaches.
  const ratio = ratioOf(rates.thisBuild, rates.against);
  log(
    `bench: ${counter}: this build ${rates.thisBuild}/s, against ${rates.against}/s, ratio ${ratio}`,
  );
}
