import { checkInvariants } from './checks.js';
import { query } from './cluster.js';
import { deliveryInvariants, finishDeliveries, type DeliveryRecord } from './deliveries.js';
import type { Environment } from './environment.js';
import { EVENT_COVERAGE, eventFigures, eventShortfalls } from './event-figures.js';
import { catchUpAndStop, startFollower } from './event-follower.js';
import { FOLLOWER_INVARIANT, followerProblems } from './event-reader-checks.js';
import { listAllEvents, type ApiEvent } from './event-world.js';
import { finalState, waitUntilSettled } from './final-state.js';
import { History, keylessCreates, timedOutThenSettled, type CardKind } from './history.js';
import type { CheckContext } from './invariant.js';
import { keylessFigures } from './keyless-orders.js';
import { checkout, runCustomer, type LoadContext } from './load.js';
import type { Nemesis } from './nemesis.js';
import { REFUND_COVERAGE, refundFigures, refundShortfalls } from './refund-coverage.js';
import { RefundQueue, runRefunder } from './refund-load.js';
import { sampleRelayLag, waitForRelay } from './relay-watch.js';
import { printSummary, summarizeHistory, writeReport, type ScenarioReport } from './report.js';
import { FAULT_SERVER_ENV } from './servers.js';

export interface ScenarioSpec {
  /** How long customers keep starting checkouts. */
  readonly loadMs: number;
  readonly nemesis: Nemesis;
  /** The share of `pay` calls made with a 50 ms deadline (then retried with the same key). */
  readonly shortTimeoutRate: number;
}

/**
 * The share of orders placed without an idempotency key. Only those take the server's catalogue
 * memory (priced from memory, placed in one round trip), so without them no crash would ever
 * meet that path; the rest keep the keyed retries, which most of the checks are about.
 */
const KEYLESS_ORDER_RATE = 0.3;

/**
 * The share of paid orders the admin refunds, how long after their payment, and how many refund
 * loops it runs side by side (each refunds one order at a time, by a plan of its own:
 * `refund-plans.ts`).
 */
const REFUND_SHARE = 0.3;
const REFUND_DELAY_MS = 2_000;
const REFUNDERS = 2;

/**
 * The share of placed orders their customer cancels instead of paying: the load's only
 * `order.cancelled` (an unpaid order expires after ORDER_TTL, 15 min, longer than any run).
 */
const CANCEL_RATE = 0.05;

/** After the load, how long an open outcome is still retried with its key. */
const RESOLVE_MS = 5_000;
/** After the load, how long payments and refunds get to become final (workers re-drive leases). */
const SETTLE_MS = 30_000;
/** After the load, how long the NATS relay gets to publish what was written by then. */
const RELAY_CATCH_UP_MS = 30_000;

const PROBE_INVARIANT = 'a fresh checkout succeeds on every instance after the faults';
const EXIT_INVARIANT = 'no instance exits unless killed';

/** What the load must have done for its run to test what it claims. */
const CARD_COVERAGE =
  'the load paid with every card kind: approve, flaky (transient errors), decline, refund-fails';
const TIMEOUT_COVERAGE =
  'a payments.pay call timed out at the client, and a retry with the same key settled it';
const KEYLESS_COVERAGE =
  'an orders.create without an idempotency key (the catalogue memory path) placed an order, and it was paid';
const LOAD_COVERAGE = [CARD_COVERAGE, TIMEOUT_COVERAGE, KEYLESS_COVERAGE, ...REFUND_COVERAGE];

/** The gateway token the server stores for each card kind's number. */
const CARD_OF_TOKEN: Readonly<Record<string, CardKind>> = {
  APPROVE: 'approve',
  TIMEOUT_TWICE: 'flaky',
  DECLINE_CARD: 'decline',
  REFUND_FAILS: 'refundFails',
};

export interface ScenarioRun {
  readonly report: ScenarioReport;
  readonly history: History;
  /** What the webhook receiver and the stream got, and the events they were checked against. */
  readonly deliveries?: {
    readonly record: DeliveryRecord;
    readonly expected: readonly ApiEvent[];
    readonly listed: readonly ApiEvent[];
  };
}

/**
 * Runs the load (customers' checkouts, the admin's refunds of some paid orders) and the nemesis
 * together, with an event follower subscribed from before the load to after the settle; lets
 * payments and refunds settle, checks a fresh checkout on every instance, then checks every
 * invariant and what the follower saw. Writes the report and returns it with the history.
 */
export async function runScenario(env: Environment, spec: ScenarioSpec): Promise<ScenarioRun> {
  const listEvents = adminEventList(env);
  // The horizon (`events.cursor`, the cursor of now) just before the follower subscribes live:
  // the system is quiet (set up, no load yet), so both start from the same point.
  const { databaseUrl } = env.cluster;
  const rig = env.deliveries;
  const { cursor: startCursor } = await env.admin.events.cursor.query();
  const follower = await startFollower({ fleet: env.fleet, token: env.adminToken, startCursor });
  const started = Date.now();
  const history = new History();
  const until = started + spec.loadMs;
  const refunds = new RefundQueue(REFUND_SHARE, REFUND_DELAY_MS);
  const relayLag = rig && sampleRelayLag(databaseUrl, rig.stream);
  const load: LoadContext = {
    fleet: env.fleet,
    history,
    skus: env.skus,
    until,
    resolveBy: until + RESOLVE_MS,
    shortTimeoutRate: spec.shortTimeoutRate,
    keylessOrderRate: KEYLESS_ORDER_RATE,
    cancelRate: CANCEL_RATE,
    refunds,
  };
  const [nemesis] = await Promise.all([
    spec.nemesis({
      cluster: env.cluster,
      fleet: env.fleet,
      history,
      until,
      randomVictim: () => follower.instance(),
      deliveries: rig,
    }),
    ...env.customers.map((customer) => runCustomer(customer, load)),
    ...Array.from({ length: REFUNDERS }, () => runRefunder(env.refunder, load, refunds)),
  ]);
  const loadEnded = Date.now();
  // The relay's catch-up, timed from the end of the load while the run settles.
  const relayCaughtUp = rig && waitForRelay(databaseUrl, rig.stream, RELAY_CATCH_UP_MS);
  await waitUntilSettled(databaseUrl, SETTLE_MS);
  const settleMs = Date.now() - loadEnded;
  const hit = await nemesis.afterSettling?.(databaseUrl);
  const paymentsByCard = await countPaymentsByCard(databaseUrl);
  const shortfalls = [
    ...loadShortfalls(history, paymentsByCard),
    ...(await refundShortfalls(databaseUrl, history)),
    ...(hit?.shortfalls ?? []),
  ];
  const probeViolations = await probeEveryInstance(env, history);
  const followed = await catchUpAndStop(follower, startCursor, listEvents);
  const followerViolations = followerProblems(followed.record, followed.listed);
  const checked = await checkInvariants(checkContext(env, history));
  const listing = await listAllEvents(listEvents);
  const events = await eventFigures(databaseUrl, followed.record, {
    pages: listing.pages,
    listedAfterStart: followed.listed.length,
  });
  const delivered =
    rig &&
    (await finishDeliveries({
      rig,
      databaseUrl,
      loadEnded,
      expected: followed.listed,
      listed: listing.events,
      relayCatchUpMs: await relayCaughtUp,
      maxRelayLag: (await relayLag?.stop()) ?? 0,
    }));

  const report: ScenarioReport = {
    scenario: env.name,
    durationMs: Date.now() - started + env.setupMs,
    setupMs: env.setupMs,
    loadMs: spec.loadMs,
    settleMs,
    instances: env.fleet.instances.length,
    customers: env.customers.length,
    serverEnv: { ...FAULT_SERVER_ENV, ...rig?.serverEnv },
    ...summarizeHistory(history),
    killMoments: hit?.killMoments,
    paymentsByCard,
    keylessOrders: await keylessFigures(databaseUrl, history),
    refunds: await refundFigures(databaseUrl, history, Number(FAULT_SERVER_ENV.PAYMENT_LEASE_MS)),
    finalState: await finalState(databaseUrl),
    events,
    deliveries: delivered?.figures,
    natsOutages: nemesis.natsOutages,
    coverage: [...LOAD_COVERAGE, ...EVENT_COVERAGE, ...(hit?.coverage ?? [])],
    invariants: [
      ...nemesis.invariants,
      PROBE_INVARIANT,
      EXIT_INVARIANT,
      FOLLOWER_INVARIANT,
      ...(rig ? deliveryInvariants(rig) : []),
      ...checked.invariants,
    ],
    violations: [
      ...[...shortfalls, ...eventShortfalls(events, history)].map((v) => `coverage: ${v}`),
      ...nemesis.violations,
      ...probeViolations.map((v) => `${PROBE_INVARIANT}: ${v}`),
      ...env.fleet.unexpectedExits.map((v) => `${EXIT_INVARIANT}: ${v}`),
      ...followerViolations.map((v) => `${FOLLOWER_INVARIANT}: ${v}`),
      ...(delivered?.violations ?? []),
      ...checked.violations,
    ],
  };
  printSummary(report, await writeReport(report, history));
  return {
    report,
    history,
    ...(delivered && {
      deliveries: { record: delivered.record, expected: followed.listed, listed: listing.events },
    }),
  };
}

/** What the invariants read, for a run of `env` that recorded `history`. */
export function checkContext(env: Environment, history: History): CheckContext {
  return {
    databaseUrl: env.cluster.databaseUrl,
    history,
    userIds: new Map([env.probe, ...env.customers].map((c) => [c.name, c.userId])),
    initialStock: env.initialStock,
    verifyLedger: () => env.admin.ledger.verify.query(),
    listEvents: adminEventList(env),
  };
}

/** The admin's `events.list`, one page after `after` (undefined: from the oldest kept). */
function adminEventList(env: Environment): CheckContext['listEvents'] {
  return (after, limit) =>
    env.admin.events.list.query(after === undefined ? { limit } : { after, limit });
}

/**
 * One checkout per instance, pinned to it, with a key and a card that must be approved: every
 * call must answer at once (no retry) and the payment must end SUCCESS.
 */
async function probeEveryInstance(env: Environment, history: History): Promise<string[]> {
  const violations: string[] = [];
  for (const instance of env.fleet.instances) {
    const before = history.operations.length;
    const ctx: LoadContext = {
      fleet: env.fleet,
      history,
      skus: env.plentifulSkus,
      until: Date.now(),
      resolveBy: Date.now() + 10_000,
      shortTimeoutRate: 0,
      keylessOrderRate: 0,
      cancelRate: 0,
      refunds: undefined,
    };
    const { status } = await checkout(env.probe, ctx, () => instance);
    const failedCalls = history.operations.slice(before).filter((o) => o.result !== 'ok');
    if (status !== 'SUCCESS' || failedCalls.length > 0) {
      violations.push(
        `instance ${instance.index}: ended ${status}, ${JSON.stringify(failedCalls)}`,
      );
    }
  }
  return violations;
}

/** Final payments by card kind, then status: `{ flaky: { SUCCESS: 212 } }`. */
async function countPaymentsByCard(
  databaseUrl: string,
): Promise<Record<string, Record<string, number>>> {
  const rows = await query<{ token: string; status: string; n: number }>(
    databaseUrl,
    `select gateway_token as token, status, count(*)::int as n from payments
      group by gateway_token, status order by 1, 2`,
  );
  const counts: Record<string, Record<string, number>> = {};
  for (const { token, status, n } of rows) {
    (counts[CARD_OF_TOKEN[token] ?? token] ??= {})[status] = n;
  }
  return counts;
}

/** The load coverage the run fell short of. */
function loadShortfalls(
  history: History,
  paymentsByCard: Readonly<Record<string, Readonly<Record<string, number>>>>,
): string[] {
  const unpaid = Object.values(CARD_OF_TOKEN).filter(
    (kind) => Object.keys(paymentsByCard[kind] ?? {}).length === 0,
  );
  return [
    ...(unpaid.length > 0 ? [`${CARD_COVERAGE}: no payment with ${unpaid.join(', ')}`] : []),
    ...(timedOutThenSettled(history, 'pay') ? [] : [`${TIMEOUT_COVERAGE}: none did`]),
    ...keylessShortfalls(history),
  ];
}

function keylessShortfalls(history: History): string[] {
  const placed = new Set(
    keylessCreates(history).flatMap((o) => (o.result === 'ok' && o.value ? [o.value.id] : [])),
  );
  const paid = history.operations.some(
    (o) => o.op === 'pay' && o.result === 'ok' && placed.has(o.input.orderId ?? ''),
  );
  if (paid) return [];
  return [`${KEYLESS_COVERAGE}: ${placed.size} placed, none paid`];
}
