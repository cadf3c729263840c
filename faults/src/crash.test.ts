import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkInvariants, PAYMENT_FINAL_WITHIN_MS } from './checks.js';
import { startEnvironment, Teardown, type Environment } from './environment.js';
import type { History } from './history.js';
import { killInstances } from './nemesis.js';
import { checkContext, runScenario, type ScenarioRun } from './scenario.js';

describe('three instances, one of them killed -9 every few seconds', () => {
  const teardown = new Teardown();
  let env: Environment;
  let run: ScenarioRun;

  beforeAll(async () => {
    env = await startEnvironment({ name: 'kill-9', instances: 3, customers: 12 }, teardown);
  });
  afterAll(() => teardown.run());

  it('loses and doubles nothing when instances are killed -9 mid-payment', async () => {
    run = await runScenario(env, {
      loadMs: 25_000,
      nemesis: killInstances({
        kills: 6,
        downMs: [300, 1_200],
        moments: ['between-attempts', 'after-approval', 'random'],
      }),
      shortTimeoutRate: 0.2,
    });

    expect(run.report.violations).toEqual([]);
    expect(run.report.faults['kill-9']).toBe(6);
    expect(run.report.operations.pay?.ok).toBeGreaterThan(100);
  });

  it('would notice a doubled capture, a phantom order, drifted stock, a reverted payment, a reopened payment and a repeated attempt', async () => {
    const [doubled, reverted, reopened, reattempted] = acknowledgedSuccesses(run.history);
    await corrupt(env.cluster.databaseUrl, {
      doubled: doubled!,
      reverted: reverted!,
      reopened: reopened!,
      reattempted: reattempted!,
    });

    const { violations } = await checkInvariants(checkContext(env, run.history));

    const broken = (name: string) => violations.some((v) => v.startsWith(`${name}: `));
    expect(
      broken('a CONFIRMED order has one SUCCESS payment and one balanced capture of its total'),
    ).toBe(true);
    expect(broken('ledger.verify finds no problem')).toBe(true);
    expect(
      broken(
        'each orders.create key made at most one order, and every order came from a client key',
      ),
    ).toBe(true);
    expect(
      broken(
        'stock equals the initial stock minus CONFIRMED orders, reserved equals PENDING orders',
      ),
    ).toBe(true);
    expect(
      broken('what a client was told stays true (no acknowledged order or final payment lost)'),
    ).toBe(true);
    expect(broken("an order's status matches its payment's")).toBe(true);
    expect(
      broken(`every payment is final, within ${PAYMENT_FINAL_WITHIN_MS / 1000} s of its creation`),
    ).toBe(true);
    expect(
      broken("a payment's gateway attempts follow the card table (no attempt lost or repeated)"),
    ).toBe(true);
  });
});

/** Payments a client was told succeeded. */
function acknowledgedSuccesses(history: History): string[] {
  return history.operations.flatMap((o) =>
    o.op === 'pay' && o.value?.status === 'SUCCESS' ? [o.value.id] : [],
  );
}

/** What the invariants exist to catch, written straight into the database. */
async function corrupt(
  databaseUrl: string,
  payments: { doubled: string; reverted: string; reopened: string; reattempted: string },
): Promise<void> {
  const { doubled, reverted, reopened, reattempted } = payments;
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    // A second capture of a captured payment: a double charge, balanced so the trigger lets it in.
    await db.query('begin');
    await db.query(
      `insert into journal_entries (id, payment_id, kind, reference, currency, created_at, prev_hash, hash)
       select gen_random_uuid(), id, 'CAPTURE', 'capture-again:' || id, currency, now(), 'x', 'x'
         from payments where id = $1`,
      [doubled],
    );
    await db.query(
      `insert into postings (entry_id, account, amount_cents, currency)
       select j.id, a.account, a.sign * p.amount_cents, p.currency
         from journal_entries j join payments p on p.id = j.payment_id
        cross join (values ('assets:gateway_clearing', 1), ('revenue:sales', -1)) a (account, sign)
        where j.reference = 'capture-again:' || $1`,
      [doubled],
    );
    await db.query('commit');
    // An order no client asked for.
    await db.query(
      `insert into orders (id, user_id, status, currency, total_cents, created_at, expires_at, updated_at)
       select gen_random_uuid(), user_id, 'CANCELLED', currency, total_cents, now(), now(), now()
         from orders limit 1`,
    );
    // Reserved stock nobody holds.
    await db.query(`update products set reserved = reserved + 1 where sku = 'FAULT-MUG'`);
    // A success a client was told about, turned into a decline.
    await db.query(
      `update payments set status = 'FAILED_FINAL', failure_code = 'CARD_DECLINED' where id = $1`,
      [reverted],
    );
    // A success reopened for another attempt: no longer final.
    await db.query(`update payments set status = 'RETRY', next_attempt_at = now() where id = $1`, [
      reopened,
    ]);
    // The gateway approving a captured payment a second time: a repeated attempt.
    await db.query(
      `insert into payment_attempts (payment_id, attempt_no, outcome, code, gateway_ref, latency_ms, at, prev_hash, hash)
       select payment_id, attempt_no + 1, outcome, code, gateway_ref, latency_ms, now(), hash, hash
         from payment_attempts where payment_id = $1 and attempt_no = 1`,
      [reattempted],
    );
  } finally {
    await db.end();
  }
}
