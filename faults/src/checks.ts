import { query } from './cluster.js';
import { eventInvariants } from './event-checks.js';
import { historyInvariants } from './history-checks.js';
import {
  PAID,
  PAID_STATUSES,
  PAYMENT_FINAL_WITHIN_MS,
  rowsAreViolations,
  type CheckContext,
  type Invariant,
} from './invariant.js';
import { refundInvariants } from './refund-checks.js';

export interface CheckResult {
  readonly invariants: readonly string[];
  readonly violations: readonly string[];
}

/** Runs every invariant; each violation line starts with its invariant's name. */
export async function checkInvariants(ctx: CheckContext): Promise<CheckResult> {
  const all = [...stateInvariants, ...refundInvariants, ...historyInvariants, ...eventInvariants];
  const violations: string[] = [];
  for (const invariant of all) {
    for (const line of await invariant.find(ctx)) violations.push(`${invariant.name}: ${line}`);
  }
  return { invariants: all.map((i) => i.name), violations };
}

const FINAL = `('SUCCESS', 'FAILED_FINAL')`;

/** The order/payment pairs a settled system may hold. */
const ALLOWED_ORDER_PAYMENT = `(values
  ('PENDING', 'NONE'), ('CONFIRMED', 'SUCCESS'), ('PARTIALLY_REFUNDED', 'SUCCESS'),
  ('REFUNDED', 'SUCCESS'), ('FAILED', 'FAILED_FINAL'), ('CANCELLED', 'NONE'))`;

/** Gateway attempts each card profile must produce (DESIGN §2 card table), in order. */
const EXPECTED_ATTEMPTS: Readonly<Record<string, { outcomes: string[]; status: string }>> = {
  APPROVE: { outcomes: ['APPROVED'], status: 'SUCCESS' },
  TIMEOUT_TWICE: { outcomes: ['ERROR', 'ERROR', 'APPROVED'], status: 'SUCCESS' },
  DECLINE_CARD: { outcomes: ['DECLINED'], status: 'FAILED_FINAL' },
  REFUND_FAILS: { outcomes: ['APPROVED'], status: 'SUCCESS' },
};

/**
 * When a payment became final: its last attempt's record (refunds later move the payment row's
 * `updated_at`, for their holds and the chain's head); a payment with no attempt, its last change.
 */
export const PAYMENT_FINAL_AT = `coalesce(
  (select max(a.at) from payment_attempts a where a.payment_id = p.id), p.updated_at)`;

export const STOCK_INVARIANT =
  "stock equals the initial stock minus paid orders plus SUCCEEDED refunds' restocks, reserved equals PENDING orders";
export const ORDER_STOCK_INVARIANT =
  "an order's stock movements follow its status and refunds (one reserve, then one commit or release; a restock per SUCCEEDED refund that restocks, never beyond what it bought)";

const stateInvariants: Invariant[] = [
  rowsAreViolations(
    `every payment is final, within ${PAYMENT_FINAL_WITHIN_MS / 1000} s of its creation`,
    `select id, order_id as "orderId", status,
            round(extract(epoch from ${PAYMENT_FINAL_AT} - created_at) * 1000)::int as "msToFinal"
       from payments p
      where status not in ${FINAL}
         or ${PAYMENT_FINAL_AT} - created_at > make_interval(secs => ${PAYMENT_FINAL_WITHIN_MS / 1000})`,
  ),
  rowsAreViolations(
    "an order's status matches its payment's",
    `select o.id as "orderId", o.status as "order", coalesce(p.status, 'NONE') as payment
       from orders o left join payments p on p.order_id = o.id
      where (o.status, coalesce(p.status, 'NONE')) not in ${ALLOWED_ORDER_PAYMENT}`,
  ),
  rowsAreViolations(
    'a paid order (CONFIRMED, PARTIALLY_REFUNDED, REFUNDED) has one SUCCESS payment and one balanced capture of its total',
    `with captures as (
       select j.payment_id, count(distinct j.id) as entries, sum(po.amount_cents) as net,
              sum(po.amount_cents) filter (where po.account = 'assets:gateway_clearing') as clearing,
              sum(po.amount_cents) filter (where po.account = 'revenue:sales') as sales
         from journal_entries j join postings po on po.entry_id = j.id
        where j.kind = 'CAPTURE' group by j.payment_id)
     select o.id as "orderId", o.total_cents::int as total, p.status as payment,
            coalesce(c.entries, 0)::int as captures, c.net::int as net,
            c.clearing::int as clearing, c.sales::int as sales
       from orders o left join payments p on p.order_id = o.id
       left join captures c on c.payment_id = p.id
      where o.status in ${PAID}
        and (p.status is distinct from 'SUCCESS' or coalesce(c.entries, 0) <> 1 or c.net <> 0
             or c.clearing is distinct from o.total_cents or c.sales is distinct from -o.total_cents)`,
  ),
  rowsAreViolations(
    "only a SUCCESS payment has journal entries (its capture, its refunds')",
    `select p.id as "paymentId", p.status, j.kind from payments p
       join journal_entries j on j.payment_id = p.id
      where p.status <> 'SUCCESS' or j.kind not in ('CAPTURE', 'REFUND')`,
  ),
  rowsAreViolations(
    "a payment is for its order's total",
    `select p.id as "paymentId", p.amount_cents::int as amount, o.total_cents::int as total
       from payments p join orders o on o.id = p.order_id where p.amount_cents <> o.total_cents`,
  ),
  rowsAreViolations(
    'an order has at most one payment',
    `select order_id as "orderId", count(*)::int as payments from payments
      group by order_id having count(*) > 1`,
  ),
  {
    name: "a payment's gateway attempts follow the card table (no attempt lost or repeated)",
    async find(ctx) {
      const rows = await query<{
        id: string;
        token: string;
        status: string;
        verdict: string;
        outcomes: string[];
        numbers: number[];
      }>(
        ctx.databaseUrl,
        `select p.id, p.gateway_token as token, p.status, p.fraud_verdict as verdict,
                coalesce(array_agg(a.outcome order by a.attempt_no) filter (where a.id is not null), '{}') as outcomes,
                coalesce(array_agg(a.attempt_no order by a.attempt_no) filter (where a.id is not null), '{}') as numbers
           from payments p left join payment_attempts a on a.payment_id = p.id group by p.id`,
      );
      return rows.filter((row) => !attemptsAsExpected(row)).map((row) => JSON.stringify(row));
    },
  },
  {
    name: STOCK_INVARIANT,
    async find(ctx) {
      const rows = await query<StockRow>(ctx.databaseUrl, STOCK_SQL);
      return rows.flatMap((row) => stockProblems(row, ctx.initialStock.get(row.sku)));
    },
  },
  {
    name: ORDER_STOCK_INVARIANT,
    async find(ctx) {
      const rows = await query<OrderStockRow>(ctx.databaseUrl, ORDER_STOCK_SQL);
      return rows.filter((row) => !orderStockAsExpected(row)).map((row) => JSON.stringify(row));
    },
  },
  {
    name: 'ledger.verify finds no problem',
    async find(ctx) {
      const report = await ctx.verifyLedger();
      return report.problems.map((problem) => JSON.stringify(problem));
    },
  },
];

function attemptsAsExpected(row: {
  token: string;
  status: string;
  verdict: string;
  outcomes: string[];
  numbers: number[];
}): boolean {
  const expected = EXPECTED_ATTEMPTS[row.token];
  return (
    expected !== undefined &&
    row.verdict === 'ALLOW' &&
    row.status === expected.status &&
    row.outcomes.join() === expected.outcomes.join() &&
    row.numbers.every((n, i) => n === i + 1)
  );
}

interface StockRow {
  sku: string;
  onHand: number;
  reserved: number;
  movedOnHand: number;
  movedReserved: number;
  pending: number;
  /** Units of paid orders: shipped, refunded or not. */
  shipped: number;
  /** Units SUCCEEDED refunds put back. */
  restocked: number;
}

/** Units of a product the SUCCEEDED refunds of `where` restock, from the refunds' own record. */
const restockedBy = (where: string, productId: string) =>
  `coalesce((select sum((x->>'quantity')::int) from refunds r
               cross join jsonb_array_elements(r.restock) x
              where ${where} and x->>'productId' = ${productId}::text), 0)::int`;

const STOCK_SQL = `
  select p.sku, p.on_hand as "onHand", p.reserved,
    coalesce((select sum(m.on_hand_delta) from stock_movements m where m.product_id = p.id), 0)::int as "movedOnHand",
    coalesce((select sum(m.reserved_delta) from stock_movements m where m.product_id = p.id), 0)::int as "movedReserved",
    coalesce((select sum(l.quantity) from order_lines l join orders o on o.id = l.order_id
               where l.product_id = p.id and o.status = 'PENDING'), 0)::int as pending,
    coalesce((select sum(l.quantity) from order_lines l join orders o on o.id = l.order_id
               where l.product_id = p.id and o.status in ${PAID}), 0)::int as shipped,
    ${restockedBy(`r.status = 'SUCCEEDED'`, 'p.id')} as restocked
  from products p order by p.sku`;

function stockProblems(row: StockRow, initial: number | undefined): string[] {
  const expectations: [string, boolean][] = [
    ['a product the harness never created', initial !== undefined],
    [
      'on_hand ≠ initial − paid quantity + restocked quantity',
      row.onHand === (initial ?? 0) - row.shipped + row.restocked,
    ],
    ['reserved ≠ PENDING quantity', row.reserved === row.pending],
    ['on_hand ≠ Σ movements', row.onHand === row.movedOnHand],
    ['reserved ≠ Σ movements', row.reserved === row.movedReserved],
    [
      'stock out of bounds (negative, or reserved > on_hand)',
      row.onHand >= 0 && row.reserved >= 0 && row.reserved <= row.onHand,
    ],
  ];
  return expectations
    .filter(([, holds]) => !holds)
    .map(([what]) => `${row.sku}: ${what} (${JSON.stringify({ initial, ...row })})`);
}

interface OrderStockRow {
  orderId: string;
  status: string;
  quantity: number;
  reserves: number;
  commits: number;
  releases: number;
  restocks: number;
  onHandDelta: number;
  reservedDelta: number;
  /** On hand the line's RESTOCK movements added. */
  restockMoved: number;
  /** What its SUCCEEDED refunds restock of the line, and how many of them restock it. */
  restocked: number;
  restockingRefunds: number;
  /** `order_lines.restock_held`, and what its refunds not FAILED restock of the line. */
  restockHeld: number;
  restockHeldByRefunds: number;
}

const ORDER_STOCK_SQL = `
  select o.id as "orderId", o.status, l.quantity,
         count(m.id) filter (where m.kind = 'RESERVE')::int as reserves,
         count(m.id) filter (where m.kind = 'COMMIT')::int as commits,
         count(m.id) filter (where m.kind = 'RELEASE')::int as releases,
         count(m.id) filter (where m.kind = 'RESTOCK')::int as restocks,
         coalesce(sum(m.on_hand_delta), 0)::int as "onHandDelta",
         coalesce(sum(m.reserved_delta), 0)::int as "reservedDelta",
         coalesce(sum(m.on_hand_delta) filter (where m.kind = 'RESTOCK'), 0)::int as "restockMoved",
         ${restockedBy(`r.order_id = o.id and r.status = 'SUCCEEDED'`, 'l.product_id')} as restocked,
         (select count(*) from refunds r where r.order_id = o.id and r.status = 'SUCCEEDED'
             and r.restock @> jsonb_build_array(jsonb_build_object('productId', l.product_id::text)))::int
           as "restockingRefunds",
         l.restock_held as "restockHeld",
         ${restockedBy(`r.order_id = o.id and r.status <> 'FAILED'`, 'l.product_id')} as "restockHeldByRefunds"
    from orders o join order_lines l on l.order_id = o.id
    left join stock_movements m on m.order_id = o.id and m.product_id = l.product_id
   group by o.id, o.status, l.line_no, l.quantity, l.product_id, l.restock_held`;

function orderStockAsExpected(row: OrderStockRow): boolean {
  const paid = PAID_STATUSES.includes(row.status);
  const released = row.status === 'FAILED' || row.status === 'CANCELLED';
  return (
    row.reserves === 1 &&
    row.commits === (paid ? 1 : 0) &&
    row.releases === (released ? 1 : 0) &&
    row.restocks === row.restockingRefunds &&
    row.restockMoved === row.restocked &&
    row.restocked <= row.quantity &&
    row.restockHeld === row.restockHeldByRefunds &&
    row.onHandDelta === (paid ? -row.quantity : 0) + row.restocked &&
    row.reservedDelta === (row.status === 'PENDING' ? row.quantity : 0)
  );
}
