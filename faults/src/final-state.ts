import { PAYMENT_FINAL_AT } from './checks.js';
import { query } from './cluster.js';
import { sleep } from './load.js';
import type { ScenarioReport } from './report.js';
import { FAULT_SERVER_ENV } from './servers.js';

/** After the load: waiting until every payment and refund is final, and what the database then holds. */

/** Until no payment or refund is open, or `withinMs`. */
export async function waitUntilSettled(databaseUrl: string, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    const [row] = await query<{ open: number }>(
      databaseUrl,
      `select (select count(*) from payments where status not in ('SUCCESS', 'FAILED_FINAL'))::int
            + (select count(*) from refunds where status not in ('SUCCEEDED', 'FAILED'))::int as open`,
    );
    if (row?.open === 0) return;
    await sleep(250);
  }
}

export async function finalState(databaseUrl: string): Promise<ScenarioReport['finalState']> {
  const count = async (table: 'orders' | 'payments') => {
    const rows = await query<{ status: string; n: number }>(
      databaseUrl,
      `select status, count(*)::int as n from ${table} group by status order by status`,
    );
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  };
  // A payment whose last attempt came a lease or more after its creation was finished by a
  // re-drive: its first driver died or lost the database.
  const [redriven] = await query<{ n: number }>(
    databaseUrl,
    `select count(*)::int as n from payments p
      where (select max(a.at) from payment_attempts a where a.payment_id = p.id)
            >= p.created_at + make_interval(secs => $1::int / 1000.0)`,
    [FAULT_SERVER_ENV.PAYMENT_LEASE_MS],
  );
  const [toFinal] = await query<{ p50: number; p99: number; max: number }>(
    databaseUrl,
    `select coalesce(percentile_disc(0.5) within group (order by ms), 0) as p50,
            coalesce(percentile_disc(0.99) within group (order by ms), 0) as p99,
            coalesce(max(ms), 0) as max
       from (select round(extract(epoch from ${PAYMENT_FINAL_AT} - created_at) * 1000)::int as ms
               from payments p where status in ('SUCCESS', 'FAILED_FINAL')) final`,
  );
  return {
    orders: await count('orders'),
    payments: await count('payments'),
    redrivenPayments: redriven?.n ?? 0,
    msToFinal: toFinal ?? { p50: 0, p99: 0, max: 0 },
  };
}
