import { query } from './cluster.js';
import { countBy, timedOutThenSettled, type History, type Operation } from './history.js';

/** What the refund load must have done for its run to test what it claims. */
const SUCCEEDED_WITH_RESTOCK = 'a refund SUCCEEDED and put units of its order back on the shelf';
const PARTIAL = 'a partial refund SUCCEEDED and left its order PARTIALLY_REFUNDED';
const FULL =
  'orders were REFUNDED whole: one by a single refund, one by a partial refund and then the rest';
const FAILED =
  'a refund of a payment made with the failing card (4000000000005126) FAILED (REFUND_FAILED)';
const RACE =
  'refunds of one order raced, and the cap or the restock limit refused one while another SUCCEEDED';
const TIMEOUT =
  'a refunds.create call timed out at the client, and a retry with the same key settled it';

export const REFUND_COVERAGE = [SUCCEEDED_WITH_RESTOCK, PARTIAL, FULL, FAILED, RACE, TIMEOUT];

/** The refund coverage the run fell short of, one line each. */
export async function refundShortfalls(databaseUrl: string, history: History): Promise<string[]> {
  const [seen] = await query<{
    restocked: number;
    partial: number;
    fullInOne: number;
    fullInTwo: number;
    failed: number;
  }>(
    databaseUrl,
    `with refunded as (
       select o.id, count(r.id) as succeeded from orders o
         join refunds r on r.order_id = o.id and r.status = 'SUCCEEDED'
        where o.status = 'REFUNDED' group by o.id)
     select
       (select count(*) from refunds where status = 'SUCCEEDED' and restock <> '[]')::int as restocked,
       (select count(*) from orders where status = 'PARTIALLY_REFUNDED')::int as partial,
       (select count(*) from refunded where succeeded = 1)::int as "fullInOne",
       (select count(*) from refunded where succeeded >= 2)::int as "fullInTwo",
       (select count(*) from refunds where failure_code = 'REFUND_FAILED')::int as failed`,
  );
  const racesRefused = await racesRefusedBesideASuccess(databaseUrl, history);
  const missing = (condition: string, holds: boolean, detail: string) =>
    holds ? [] : [`${condition}: ${detail}`];
  return [
    ...missing(SUCCEEDED_WITH_RESTOCK, (seen?.restocked ?? 0) > 0, 'none did'),
    ...missing(PARTIAL, (seen?.partial ?? 0) > 0, 'no order is PARTIALLY_REFUNDED'),
    ...missing(
      FULL,
      (seen?.fullInOne ?? 0) > 0 && (seen?.fullInTwo ?? 0) > 0,
      `${seen?.fullInOne ?? 0} by one refund, ${seen?.fullInTwo ?? 0} by two`,
    ),
    ...missing(FAILED, (seen?.failed ?? 0) > 0, 'none did'),
    ...missing(RACE, racesRefused > 0, 'no race had a refusal and a success'),
    ...missing(TIMEOUT, timedOutThenSettled(history, 'refund'), 'none did'),
  ];
}

/** Orders where a racing refund was refused by the cap or the restock limit and one SUCCEEDED. */
async function racesRefusedBesideASuccess(databaseUrl: string, history: History) {
  const refused = new Set(
    history.operations
      .filter((o) => o.input.refund === 'racer' && o.result === 'error')
      .filter((o) => o.errorCode?.startsWith('REFUND.') === true)
      .map((o) => o.input.orderId ?? ''),
  );
  const succeeded = await query<{ orderId: string }>(
    databaseUrl,
    `select distinct order_id as "orderId" from refunds where status = 'SUCCEEDED'`,
  );
  return succeeded.filter((r) => refused.has(r.orderId)).length;
}

/** What the report says of the refunds. */
export interface RefundFigures {
  /** Refunds by final status: `{ SUCCEEDED: 310, FAILED: 42 }`. */
  readonly byStatus: Record<string, number>;
  /**
   * Refund requests (one per key) by what they asked for, then how they ended: the refund's
   * status, the refusal's code, or `unknown`.
   */
  readonly requests: Record<string, Record<string, number>>;
  /** Units SUCCEEDED refunds put back on the shelf. */
  readonly unitsRestocked: number;
  /** Refunds whose attempt was recorded a lease or more after their creation: a re-drive's. */
  readonly redriven: number;
  /** From a refund's creation to its final state. */
  readonly msToFinal: { readonly p50: number; readonly p99: number; readonly max: number };
}

export async function refundFigures(
  databaseUrl: string,
  history: History,
  leaseMs: number,
): Promise<RefundFigures> {
  const statuses = await query<{ id: string; status: string }>(
    databaseUrl,
    'select id, status from refunds',
  );
  const statusOf = new Map(statuses.map((r) => [r.id, r.status]));
  const requests: Record<string, Record<string, number>> = {};
  for (const operations of history.byKey().values()) {
    const first = operations[0];
    if (first?.op !== 'refund') continue;
    const counts = (requests[first.input.refund ?? '?'] ??= {});
    const ended = endOfRequest(operations, statusOf);
    counts[ended] = (counts[ended] ?? 0) + 1;
  }
  const [figures] = await query<Omit<RefundFigures, 'byStatus' | 'requests' | 'msToFinal'>>(
    databaseUrl,
    `select coalesce((select sum((x->>'quantity')::int) from refunds r
                       cross join jsonb_array_elements(r.restock) x
                      where r.status = 'SUCCEEDED'), 0)::int as "unitsRestocked",
            (select count(*) from refunds r
              where (select max(a.at) from refund_attempts a where a.refund_id = r.id)
                    >= r.created_at + make_interval(secs => $1::int / 1000.0))::int as redriven`,
    [leaseMs],
  );
  const [msToFinal] = await query<RefundFigures['msToFinal']>(
    databaseUrl,
    `select coalesce(percentile_disc(0.5) within group (order by ms), 0) as p50,
            coalesce(percentile_disc(0.99) within group (order by ms), 0) as p99,
            coalesce(max(ms), 0) as max
       from (select round(extract(epoch from settled_at - created_at) * 1000)::int as ms
               from refunds where settled_at is not null) final`,
  );
  return {
    byStatus: countBy(statuses, (r) => r.status),
    requests,
    unitsRestocked: figures?.unitsRestocked ?? 0,
    redriven: figures?.redriven ?? 0,
    msToFinal: msToFinal ?? { p50: 0, p99: 0, max: 0 },
  };
}

/** How the calls with one refund key ended: the refund's status now, the refusal, or unknown. */
function endOfRequest(operations: readonly Operation[], statusOf: ReadonlyMap<string, string>) {
  const told = operations.find((o) => o.result === 'ok')?.value?.id;
  if (told !== undefined) return statusOf.get(told) ?? 'gone';
  return operations.find((o) => o.result === 'error')?.errorCode ?? 'unknown';
}
