import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DeliveryFigures } from './deliveries.js';
import type { EventFigures } from './event-figures.js';
import { countBy, unknownKeys, type History, type OpenKey } from './history.js';
import type { KeylessFigures } from './keyless-orders.js';
import type { NatsOutage } from './nats-nemesis.js';
import type { RefundFigures } from './refund-coverage.js';

/** `faults/results/` (git-ignored): one JSON report per scenario, its history and server logs. */
export const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

export interface ScenarioReport {
  readonly scenario: string;
  readonly durationMs: number;
  readonly setupMs: number;
  readonly loadMs: number;
  /** From the end of the load until every payment was final. */
  readonly settleMs: number;
  readonly instances: number;
  readonly customers: number;
  readonly serverEnv: Readonly<Record<string, string>>;
  /** By kind, then result: `{ pay: { ok: 310, unknown: 42 } }`. */
  readonly operations: Record<string, Record<string, number>>;
  /** Why calls failed: domain codes of errors, reasons of unknowns. */
  readonly failures: Record<string, number>;
  /**
   * Idempotency keys with at least one unknown outcome, how many a same-key retry then settled,
   * and those still open when the run stopped retrying (with the last answer each got).
   */
  readonly unknownKeys: {
    readonly total: number;
    readonly settledByRetry: number;
    readonly leftOpen: readonly OpenKey[];
  };
  /** Injected faults by kind; `client-timeout` counts calls whose deadline expired. */
  readonly faults: Record<string, number>;
  /** Instance restarts after a kill, database starts after a stop. */
  readonly recoveries: Record<string, number>;
  /** kill -9s by moment: random, and per aimed moment how many were aimed and landed there. */
  readonly killMoments: Readonly<Record<string, number>> | undefined;
  /** Payments by card kind, then final status. */
  readonly paymentsByCard: Record<string, Record<string, number>>;
  /** orders.create calls sent without a key, and the orders no key made. */
  readonly keylessOrders: KeylessFigures;
  /** The admin's refunds: by status, requests by kind and end, restock, re-drives. */
  readonly refunds: RefundFigures;
  /** The outbox: events by type, and what the follower saw. */
  readonly events: EventFigures;
  /** The webhook receiver and the JetStream stream, when the scenario runs with them. */
  readonly deliveries: DeliveryFigures | undefined;
  /** NATS stopped and started again (`restartNats`): each outage. */
  readonly natsOutages: readonly NatsOutage[] | undefined;
  readonly finalState: {
    readonly orders: Record<string, number>;
    readonly payments: Record<string, number>;
    /** Payments finished by a re-drive after their first driver died or lost the database. */
    readonly redrivenPayments: number;
    /** From a payment's creation to its final state, over the final payments. */
    readonly msToFinal: { readonly p50: number; readonly p99: number; readonly max: number };
  };
  /** What the run had to do to test what it claims (card kinds, timeouts, where kills landed). */
  readonly coverage: readonly string[];
  readonly invariants: readonly string[];
  readonly violations: readonly string[];
}

/** The history's figures for the report. */
export function summarizeHistory(
  history: History,
): Pick<ScenarioReport, 'operations' | 'failures' | 'unknownKeys' | 'faults' | 'recoveries'> {
  const operations: Record<string, Record<string, number>> = {};
  for (const operation of history.operations) {
    const counts = (operations[operation.op] ??= {});
    counts[operation.result] = (counts[operation.result] ?? 0) + 1;
  }
  const failed = history.operations.filter((o) => o.result !== 'ok');
  return {
    operations,
    failures: countBy(failed, (o) => `${o.op} ${o.result} ${o.errorCode ?? ''}`.trim()),
    unknownKeys: summarizeUnknownKeys(history),
    faults: {
      ...countBy(
        history.nemesis.filter((e) => e.type === 'fault'),
        (e) => e.kind,
      ),
      'client-timeout': history.operations.filter((o) => o.errorCode === 'timeout').length,
    },
    recoveries: countBy(
      history.nemesis.filter((e) => e.type === 'recovery'),
      (e) => e.kind,
    ),
  };
}

function summarizeUnknownKeys(history: History): ScenarioReport['unknownKeys'] {
  const { settled, open } = unknownKeys(history);
  return { total: settled + open.length, settledByRetry: settled, leftOpen: open };
}

/**
 * Writes `<scenario>.json` (the report) and `<scenario>.history.jsonl` (one operation or nemesis
 * event per line, by time: an operation at its invocation) to the results folder.
 */
export async function writeReport(report: ScenarioReport, history: History): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${report.scenario}.json`);
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  const timed = [
    ...history.operations.map((entry) => ({ at: entry.start, entry })),
    ...history.nemesis.map((entry) => ({ at: entry.at, entry })),
  ].sort((a, b) => a.at - b.at);
  const lines = timed.map(({ entry }) => JSON.stringify(entry));
  await writeFile(join(RESULTS_DIR, `${report.scenario}.history.jsonl`), `${lines.join('\n')}\n`);
  return file;
}

/** A few lines for the test output. */
export function printSummary(report: ScenarioReport, file: string): void {
  const ops = Object.entries(report.operations)
    .map(([op, counts]) => `${op} ${formatCounts(counts)}`)
    .join('; ');
  const lines = [
    `[faults] ${report.scenario}: ${(report.durationMs / 1000).toFixed(1)} s ` +
      `(setup ${(report.setupMs / 1000).toFixed(1)} s, load ${report.loadMs / 1000} s, ` +
      `settled in ${(report.settleMs / 1000).toFixed(1)} s)`,
    `  operations: ${ops}`,
    `  unknown outcomes: ${report.unknownKeys.total} keys, ` +
      `${report.unknownKeys.settledByRetry} settled by a same-key retry, ` +
      `${report.unknownKeys.leftOpen.length} still open when retries stopped`,
    `  faults: ${formatCounts(report.faults)} (recoveries: ${formatCounts(report.recoveries)})`,
    ...(report.killMoments ? [`  kill -9 moments: ${formatCounts(report.killMoments)}`] : []),
    `  payments by card: ${Object.entries(report.paymentsByCard)
      .map(([card, counts]) => `${card} ${formatCounts(counts)}`)
      .join('; ')}`,
    `  keyless creates ${formatCounts(report.keylessOrders.creates)}; orders no key made ` +
      `${formatCounts(report.keylessOrders.orders)} (${report.keylessOrders.toldToNobody} told to nobody)`,
    `  refunds ${formatCounts(report.refunds.byStatus)} (${report.refunds.unitsRestocked} units ` +
      `restocked, ${report.refunds.redriven} finished by a re-drive; ` +
      `ms to final ${formatCounts(report.refunds.msToFinal)}); requests ${Object.entries(
        report.refunds.requests,
      )
        .map(([kind, counts]) => `${kind} ${formatCounts(counts)}`)
        .join('; ')}`,
    `  orders ${formatCounts(report.finalState.orders)}; ` +
      `payments ${formatCounts(report.finalState.payments)} ` +
      `(${report.finalState.redrivenPayments} finished by a re-drive; ` +
      `ms to final ${formatCounts(report.finalState.msToFinal)})`,
    `  events ${report.events.total} (${formatCounts(report.events.byType)}; ` +
      `order.cancelled by ${formatCounts(report.events.cancelledBy)}; ` +
      `events.list read in ${report.events.apiPages} pages)`,
    `  follower: ${report.events.follower.seen} seen of ${report.events.follower.listedAfterStart} ` +
      `listed after its start, ${report.events.follower.reconnects} reconnects ` +
      `(drops: ${formatCounts(report.events.follower.drops)}; ` +
      `streams by instance: ${formatCounts(report.events.follower.connectionsByInstance)})`,
    ...deliveryLines(report),
    `  server env: ${formatCounts(report.serverEnv)}`,
    `  coverage: ${report.coverage.length} conditions; ` +
      `invariants: ${report.invariants.length} checked; ${report.violations.length} violated`,
    ...report.violations.slice(0, 20).map((v) => `  VIOLATION ${v}`),
    `  report: ${file}`,
  ];
  console.log(lines.join('\n'));
}

function deliveryLines(report: ScenarioReport): string[] {
  const { deliveries: d, natsOutages } = report;
  if (d === undefined) return [];
  const w = d.webhooks;
  const seconds = (ms: number | null) => (ms === null ? 'never' : `${(ms / 1000).toFixed(1)} s`);
  return [
    ...(w === undefined
      ? []
      : [
          `  webhooks: ${w.requests} requests (answered ${formatCounts(w.byStatus)}; ` +
            `${formatCounts(w.byPace)}), ${w.eventsAccepted} events accepted, ` +
            `${w.duplicatesBeforeDedup} duplicates before dedup; log ${w.deliveries} deliveries, ` +
            `${w.attempts} attempts (${formatCounts(w.attemptsByOutcome)}), ${w.retried} retried ` +
            `(max ${w.maxAttempts}); ` +
            `all delivered ${seconds(w.msToAllDelivered)} after the load`,
        ]),
    `  stream: ${d.stream.messages} messages, ${d.stream.distinctMsgIds} distinct Nats-Msg-Id; ` +
      `relay lag max ${d.stream.maxRelayLag} events, caught up ` +
      `${seconds(d.stream.relayCatchUpMs)} after the load`,
    ...(natsOutages ?? []).map(
      (o, n) =>
        `  NATS outage ${n + 1}: down ${(o.downMs / 1000).toFixed(1)} s, ${o.ordersPlaced} orders ` +
        `placed and ${o.paymentsSucceeded} paid meanwhile, /readyz ${o.readyzNot200} of ` +
        `${o.readyzPolls} not 200, lag metric up to ${o.lagMetric}, relay caught up ` +
        `${seconds(o.relayCatchUpMs)} after the start`,
    ),
  ];
}

function formatCounts(counts: Readonly<Record<string, number | string>>): string {
  return Object.entries(counts)
    .map(([name, n]) => `${name}=${n}`)
    .join(' ');
}
