import type { BenchArgs } from './args.js';
import { describeInvariants, type InvariantReport } from './invariants.js';
import { reportHeader } from './report-file.js';
import { bothBuilds, nameOf, type BuildPair, type ServerBuild } from './server-builds.js';
import {
  checkoutsPerSecond,
  ratioOf,
  summarize,
  type LatencySummary,
  type RunResult,
} from './stats.js';

/** What the comparison measured and checked of one build. */
export interface BuildResult {
  readonly build: ServerBuild;
  /** All its slices as one. */
  readonly run: RunResult;
  /** Its slices, one a round. */
  readonly slices: readonly RunResult[];
  readonly peakRssMiB: number;
  readonly invariants: InvariantReport;
}

/** One build's line of the report (and of `bench/results/bench-against-*.json`). */
export interface BuildSummary {
  /** `this build (<root>)` or `against (<root>)`. */
  readonly name: string;
  readonly root: string;
  readonly revision: string | null;
  readonly checkoutsPerSecond: number;
  /** Checkouts/s of each round's slice. */
  readonly perRound: readonly number[];
  readonly errors: number;
  readonly latencyMs: LatencySummary;
  readonly peakRssMiB: number;
  readonly errorSamples: readonly string[];
  readonly invariants: InvariantReport;
}

export interface ComparisonReport extends BuildPair<BuildSummary>, ReturnType<typeof reportHeader> {
  /** This build's checkouts/s divided by against's: above 1, this build is faster. */
  readonly ratio: number;
}

export function toComparisonReport(
  args: BenchArgs,
  results: BuildPair<BuildResult>,
): ComparisonReport {
  const thisBuild = summarizeBuild(results.thisBuild);
  const against = summarizeBuild(results.against);
  return {
    ...reportHeader(args),
    thisBuild,
    against,
    ratio: ratioOf(thisBuild.checkoutsPerSecond, against.checkoutsPerSecond),
  };
}

function summarizeBuild(result: BuildResult): BuildSummary {
  return {
    name: nameOf(result.build),
    root: result.build.root,
    revision: result.build.revision,
    checkoutsPerSecond: checkoutsPerSecond(result.run),
    perRound: result.slices.map(checkoutsPerSecond),
    errors: result.run.errors,
    latencyMs: summarize(result.run.latencies),
    peakRssMiB: result.peakRssMiB,
    errorSamples: result.run.errorSamples,
    invariants: result.invariants,
  };
}

export function printBuildComparison(report: ComparisonReport): void {
  const sides = bothBuilds(report);
  const width = Math.max('side'.length, ...sides.map((side) => side.name.length));
  const row = (side: BuildSummary) =>
    [
      side.name.padEnd(width),
      String(side.checkoutsPerSecond).padStart(10),
      String(side.latencyMs.p50).padStart(7),
      String(side.latencyMs.p95).padStart(7),
      String(side.latencyMs.p99).padStart(7),
      String(side.errors).padStart(7),
      String(side.peakRssMiB).padStart(13),
    ].join(' ');
  const lines = [
    `${'side'.padEnd(width)} checkout/s  p50 ms  p95 ms  p99 ms  errors  peak RSS MiB`,
    ...sides.map(row),
    `ratio (this build / against, checkouts/s): ${report.ratio}`,
    ...sides.map((side) => `invariants, ${side.name}: ${describeInvariants(side.invariants)}`),
    ...sides.flatMap((side) => side.errorSamples.map((e) => `error, ${side.name}: ${e}`)),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
