import type { Database } from '@orders/db';
import type { Logger } from 'pino';
import type { DomainMetrics } from '../metrics/domain-metrics.js';
import type { PaymentEngine } from '../payments/payment-engine.js';
import type { PaymentSettings } from '../payments/payment-settings.js';
import {
  claimAbandonedPayments,
  claimAbandonedRefunds,
} from '../use-cases/claim-abandoned-payments.js';
import { expireOrders as expireDueOrders } from '../use-cases/expire-orders.js';
import { purgeExpiredRecords } from '../use-cases/purge-expired-records.js';
import { purgeExpiredEvents } from '../use-cases/purge-events.js';

export interface PaymentWorker {
  /** Runs one round now (tests); resolves when it is done. */
  tick(): Promise<void>;
  /** Stops polling and waits for the round in flight. */
  stop(): Promise<void>;
}

const CLAIM_BATCH = 16;
const EXPIRE_BATCH = 32;
const PURGE_BATCH = 500;
/** At most this many batches of old events go per housekeeping (10,000 a minute). */
const EVENT_PURGE_BATCHES = 20;
/** Housekeeping (old idempotency keys, ended rate-limit windows) runs at most this often. */
const HOUSEKEEPING_EVERY_MS = 60_000;

/**
 * Runs in every server instance. Each round it (1) claims payments and refunds that are due and
 * whose lease ran out — a crashed or stopped driver, or a retry whose driver went away — and hands
 * them to this instance's engine, (2) cancels PENDING orders past their TTL, releasing their stock, and
 * (3) about once a minute drops idempotency keys older than 24 h, ended rate-limit windows and
 * events past their retention.
 * The first two use `for update skip locked`, so any number of instances can run it side by side.
 */
export function startPaymentWorker(deps: {
  db: Database;
  engine: PaymentEngine;
  settings: PaymentSettings;
  logger: Logger;
  now: () => Date;
  metrics: DomainMetrics;
  /** Events older than this many days are purged (`EVENT_RETENTION_DAYS`). */
  eventRetentionDays: number;
}): PaymentWorker {
  let stopped = false;

  async function claimPayments(): Promise<void> {
    const claim = { db: deps.db, now: deps.now(), leaseMs: deps.settings.leaseMs };
    const mine = { owner: deps.engine.owner, limit: CLAIM_BATCH };
    const payments = await claimAbandonedPayments(claim, mine);
    const refunds = await claimAbandonedRefunds(claim, mine);
    if (payments.length + refunds.length > 0) {
      deps.logger.info(
        { payments: payments.length, refunds: refunds.length },
        'worker claimed work',
      );
    }
    deps.metrics.paymentsClaimed(payments.length);
    deps.metrics.refundsClaimed(refunds.length);
    for (const id of payments) deps.engine.drive(id);
    for (const id of refunds) deps.engine.driveRefund(id);
  }

  async function expireOrders(): Promise<void> {
    const { db, metrics } = deps;
    const expired = await expireDueOrders({ db, now: deps.now(), metrics }, EXPIRE_BATCH);
    if (expired > 0) deps.logger.info({ expired }, 'worker expired orders');
  }

  let lastHousekeeping = 0;
  async function houseKeep(): Promise<void> {
    const now = deps.now();
    if (now.getTime() - lastHousekeeping < HOUSEKEEPING_EVERY_MS) return;
    lastHousekeeping = now.getTime();
    const { keys, windows } = await purgeExpiredRecords({ db: deps.db, now }, PURGE_BATCH);
    const events = await purgeExpiredEvents(
      { db: deps.db, now },
      {
        retentionDays: deps.eventRetentionDays,
        batch: PURGE_BATCH,
        maxBatches: EVENT_PURGE_BATCHES,
      },
    );
    if (keys + windows + events > 0) {
      deps.logger.info({ keys, windows, events }, 'worker purged expired records');
    }
  }

  async function round(): Promise<void> {
    try {
      await claimPayments();
      await expireOrders();
      await houseKeep();
    } catch (error) {
      // A database outage: log the kind only, and try again next round.
      deps.logger.warn(
        { error: error instanceof Error ? error.name : 'unknown' },
        'worker round failed',
      );
    }
  }

  // One round at a time: a slow round (a busy database) is never overlapped by the next.
  let running: Promise<void> | null = null;
  const runRound = (): Promise<void> => {
    running ??= round().finally(() => {
      running = null;
    });
    return running;
  };
  const timer = setInterval(() => {
    if (!stopped) void runRound();
  }, deps.settings.workerPollMs);
  timer.unref();

  return {
    async tick() {
      await running;
      await runRound();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
