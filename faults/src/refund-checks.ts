import { query } from './cluster.js';
import { PAID, PAYMENT_FINAL_WITHIN_MS, rowsAreViolations, type Invariant } from './invariant.js';

/** What each card profile's refunds must come to (DESIGN §2 Refunds; the simulator adds no noise). */
const EXPECTED_REFUND: Readonly<Record<string, { outcomes: string[]; status: string }>> = {
  REFUND_FAILS: { outcomes: ['DECLINED'], status: 'FAILED' },
};
const REFUND_GOES_THROUGH = { outcomes: ['APPROVED'], status: 'SUCCEEDED' };

export const REFUND_CAP_INVARIANT =
  'per payment, refunds stay within the capture: Σ SUCCEEDED = refunded_cents ≤ Σ not FAILED = refund_held_cents ≤ captured';
export const REFUND_ENTRY_INVARIANT =
  'every SUCCEEDED refund has exactly one REFUND entry of its amount under its payment (DR revenue:refunds, CR assets:gateway_clearing); no other refund has one';
export const REFUNDED_ORDER_INVARIANT =
  "a paid order's status follows its SUCCEEDED refunds (CONFIRMED: none; PARTIALLY_REFUNDED: 0 < Σ < capture; REFUNDED: Σ = capture), one order event per SUCCEEDED refund";

/** Invariants of the refunds the admin made, held against payments, journal, orders. */
export const refundInvariants: Invariant[] = [
  rowsAreViolations(
    REFUND_CAP_INVARIANT,
    `with sums as (
       select p.id, p.status, p.amount_cents, p.refunded_cents, p.refund_held_cents,
              count(r.id) as refunds,
              coalesce(sum(r.amount_cents) filter (where r.status = 'SUCCEEDED'), 0) as succeeded,
              coalesce(sum(r.amount_cents) filter (where r.status <> 'FAILED'), 0) as held
         from payments p left join refunds r on r.payment_id = p.id group by p.id)
     select id as "paymentId", status, amount_cents::int as captured,
            refunded_cents::int as "refundedCents", succeeded::int as "succeededCents",
            refund_held_cents::int as "heldCents", held::int as "notFailedCents"
       from sums
      where succeeded > amount_cents or held > amount_cents
         or refunded_cents <> succeeded or refund_held_cents <> held
         or (refunds > 0 and status <> 'SUCCESS')`,
  ),
  rowsAreViolations(
    "a refund is of its order's payment, in its currency",
    `select r.id as "refundId", r.order_id as "orderId", p.order_id as "paymentOrderId",
            r.currency, p.currency as "paymentCurrency"
       from refunds r join payments p on p.id = r.payment_id
      where r.order_id <> p.order_id or r.currency <> p.currency`,
  ),
  rowsAreViolations(
    REFUND_ENTRY_INVARIANT,
    `with entries as (
       select j.refund_id, count(distinct j.id)::int as entries,
              array_agg(distinct j.payment_id) as payments,
              coalesce(sum(po.amount_cents) filter (where po.account = 'revenue:refunds'), 0) as debited,
              coalesce(sum(po.amount_cents) filter (where po.account = 'assets:gateway_clearing'), 0) as credited,
              count(po.entry_id) filter (where po.account not in ('revenue:refunds', 'assets:gateway_clearing')) as others
         from journal_entries j left join postings po on po.entry_id = j.id
        where j.kind = 'REFUND' group by j.refund_id)
     select coalesce(r.id, e.refund_id) as "refundId", r.status, r.amount_cents::int as amount,
            coalesce(e.entries, 0) as entries, e.debited::int as debited, e.credited::int as credited
       from refunds r full join entries e on e.refund_id = r.id
      where case when r.status = 'SUCCEEDED'
                 then coalesce(e.entries, 0) <> 1 or e.debited <> r.amount_cents
                      or e.credited <> -r.amount_cents or e.others > 0
                      or e.payments <> array[r.payment_id]
                 else e.refund_id is not null end`,
  ),
  {
    name: REFUNDED_ORDER_INVARIANT,
    async find(ctx) {
      const orders = await query<Record<string, unknown>>(ctx.databaseUrl, ORDER_REFUND_SQL);
      const events = await query<Record<string, unknown>>(ctx.databaseUrl, REFUND_EVENT_SQL);
      return [...orders, ...events].map((row) => JSON.stringify(row));
    },
  },
  {
    name: `every refund is final within ${PAYMENT_FINAL_WITHIN_MS / 1000} s of its creation, its attempts as its card says (the failing card: one DECLINED, FAILED; any other: one APPROVED, SUCCEEDED), none lost or repeated`,
    async find(ctx) {
      const rows = await query<RefundAttemptsRow>(ctx.databaseUrl, REFUND_ATTEMPTS_SQL);
      return rows.filter((row) => !refundAsExpected(row)).map((row) => JSON.stringify(row));
    },
  },
];

/** Paid orders whose status does not follow what their SUCCEEDED refunds gave back. */
const ORDER_REFUND_SQL = `
  with sums as (
    select o.id, o.status, p.amount_cents as captured,
           coalesce(sum(r.amount_cents) filter (where r.status = 'SUCCEEDED'), 0) as refunded
      from orders o join payments p on p.order_id = o.id
      left join refunds r on r.payment_id = p.id
     where o.status in ${PAID}
     group by o.id, o.status, p.amount_cents)
  select id as "orderId", status, captured::int, refunded::int from sums
   where not case status
               when 'CONFIRMED' then refunded = 0
               when 'PARTIALLY_REFUNDED' then refunded > 0 and refunded < captured
               else refunded = captured end`;

/**
 * Refunds without exactly one order event of their own (SUCCEEDED) or with any (the others), and
 * refund moves of an order that name no refund of it.
 */
const REFUND_EVENT_SQL = `
  with events as (
    select e.order_id, e.reason, count(*)::int as n from order_events e
     where e.to_status in ('PARTIALLY_REFUNDED', 'REFUNDED') group by e.order_id, e.reason)
  select coalesce(r.id::text, e.reason) as "refund", r.status, e.order_id as "orderId",
         coalesce(e.n, 0) as events
    from refunds r
    full join events e on e.order_id = r.order_id and e.reason = 'refund ' || r.id || ' succeeded'
   where case when r.status = 'SUCCEEDED' then coalesce(e.n, 0) <> 1 else e.n is not null end`;

interface RefundAttemptsRow {
  id: string;
  token: string;
  status: string;
  failureCode: string | null;
  outcomes: string[];
  numbers: number[];
  msToFinal: number | null;
}

const REFUND_ATTEMPTS_SQL = `
  select r.id, p.gateway_token as token, r.status, r.failure_code as "failureCode",
         coalesce(array_agg(a.outcome order by a.attempt_no) filter (where a.id is not null), '{}') as outcomes,
         coalesce(array_agg(a.attempt_no order by a.attempt_no) filter (where a.id is not null), '{}') as numbers,
         round(extract(epoch from r.settled_at - r.created_at) * 1000)::int as "msToFinal"
    from refunds r join payments p on p.id = r.payment_id
    left join refund_attempts a on a.refund_id = r.id
   group by r.id, p.gateway_token`;

function refundAsExpected(row: RefundAttemptsRow): boolean {
  const expected = EXPECTED_REFUND[row.token] ?? REFUND_GOES_THROUGH;
  const failureCode = expected.status === 'FAILED' ? 'REFUND_FAILED' : null;
  return (
    row.status === expected.status &&
    row.failureCode === failureCode &&
    row.outcomes.join() === expected.outcomes.join() &&
    row.numbers.every((n, i) => n === i + 1) &&
    row.msToFinal !== null &&
    row.msToFinal <= PAYMENT_FINAL_WITHIN_MS
  );
}
