import { query } from './cluster.js';
import { unknownKeys, type CardKind, type Operation, type OpKind } from './history.js';
import type { CheckContext, Invariant } from './invariant.js';
import { keylessOrdersInvariant } from './keyless-orders.js';

interface StoredKey {
  key: string;
  state: 'IN_PROGRESS' | 'COMPLETED';
  resourceId: string | null;
}

/**
 * An idempotent write. Both claim their key COMPLETED in the transaction that creates the
 * resource, so a key commits with its resource or not at all: none is ever left IN_PROGRESS.
 */
interface KeyedWrite {
  readonly op: OpKind;
  readonly scope: string;
  /** The table of the resources the key creates. */
  readonly table: 'orders' | 'payments' | 'refunds';
  /**
   * Whether a resource may have no key: orders.create may be sent without one, and the keyless
   * check accounts for those orders; payments.pay always carries one.
   */
  readonly keyOptional: boolean;
}

const CREATE_ORDER: KeyedWrite = {
  op: 'createOrder',
  scope: 'orders.create',
  table: 'orders',
  keyOptional: true,
};
const PAY: KeyedWrite = { op: 'pay', scope: 'payments.pay', table: 'payments', keyOptional: false };
const REFUND: KeyedWrite = {
  op: 'refund',
  scope: 'refunds.create',
  table: 'refunds',
  keyOptional: false,
};

/** The gateway profile the server must have derived from the card the client sent. */
const PROFILE_OF: Readonly<Record<CardKind, string>> = {
  approve: 'APPROVE',
  flaky: 'TIMEOUT_TWICE',
  decline: 'DECLINE_CARD',
  refundFails: 'REFUND_FAILS',
};

/** Refusals the load can legitimately meet; anything else a client saw is a violation. */
const EXPECTED_REFUSALS: Readonly<Record<OpKind, readonly string[]>> = {
  createOrder: ['INVENTORY.INSUFFICIENT_STOCK', 'IDEMPOTENCY.IN_PROGRESS'],
  // No key, so nothing for another request to hold.
  createOrderKeyless: ['INVENTORY.INSUFFICIENT_STOCK'],
  // A PENDING order of its own, with no payment, sent once: nothing can refuse it.
  cancelOrder: [],
  pay: ['IDEMPOTENCY.IN_PROGRESS'],
  getPayment: [],
  // Each refund of a plan is sent once the one before it is final: only a racer can find the
  // capture or the line taken by the others (`expectedRefusals`).
  refund: ['IDEMPOTENCY.IN_PROGRESS'],
  listRefunds: [],
};
/** What a racing refund may meet: the cap, or the restock limit, reached by the other racers. */
const RACER_REFUSALS = ['REFUND.AMOUNT_EXCEEDS_REFUNDABLE', 'REFUND.INVALID_RESTOCK'];

function expectedRefusals(operation: Operation): readonly string[] {
  const expected = EXPECTED_REFUSALS[operation.op];
  return operation.input.refund === 'racer' ? [...expected, ...RACER_REFUSALS] : expected;
}

/** Invariants that hold the client history against the database. */
export const historyInvariants: Invariant[] = [
  {
    name: 'each orders.create key made at most one order, and no order came from two keys',
    find: (ctx) => keyedWriteProblems(ctx, CREATE_ORDER),
  },
  keylessOrdersInvariant,
  {
    name: 'each payments.pay key made at most one payment, for the order and card it was sent with',
    async find(ctx) {
      return [...(await keyedWriteProblems(ctx, PAY)), ...(await paymentInputProblems(ctx))];
    },
  },
  {
    name: 'each refunds.create key made at most one refund, of the order, amount and restock it was sent with, and every refund came from a key',
    async find(ctx) {
      return [...(await keyedWriteProblems(ctx, REFUND)), ...(await refundInputProblems(ctx))];
    },
  },
  {
    name: 'what a client was told stays true (no acknowledged order, final payment or final refund lost)',
    find: acknowledgedProblems,
  },
  {
    // Keyless creates are left out by design: with no key, a retry could place a second order.
    name: 'every unknown outcome of a keyed call is settled by a same-key retry before the retries stop',
    find(ctx) {
      return Promise.resolve(unknownKeys(ctx.history).open.map((key) => JSON.stringify(key)));
    },
  },
  {
    name: 'clients met only the refusals the load can cause',
    find(ctx) {
      const unexpected = ctx.history.operations.filter(
        (o) => o.result === 'error' && !expectedRefusals(o).includes(o.errorCode ?? ''),
      );
      return Promise.resolve(unexpected.map((o) => JSON.stringify(o)));
    },
  },
];

/**
 * For one idempotent write: every stored key was sent by a client, every resource is the result
 * of exactly one completed key (or, where the key is optional, of none: `keyless-orders.ts`
 * accounts for those), and every answer a client got for a key names that resource.
 */
async function keyedWriteProblems(ctx: CheckContext, write: KeyedWrite): Promise<string[]> {
  const keys = await query<StoredKey>(
    ctx.databaseUrl,
    `select key, state, resource_id as "resourceId" from idempotency_keys where scope = $1`,
    [write.scope],
  );
  const resources = await query<{ id: string }>(ctx.databaseUrl, `select id from ${write.table}`);
  const sent = operationsByKey(ctx, write.op);
  return [
    ...keys.flatMap((stored) => storedKeyProblems(stored, sent)),
    ...resourceProblems(keys, new Set(resources.map((r) => r.id)), write),
    ...answerProblems(keys, sent),
  ];
}

function storedKeyProblems(stored: StoredKey, sent: ReadonlyMap<string, Operation[]>): string[] {
  return [
    ...(sent.has(stored.key) ? [] : [`key ${stored.key} was never sent by a client`]),
    ...(stored.state === 'IN_PROGRESS' ? [`key ${stored.key} was left IN_PROGRESS`] : []),
  ];
}

/** Each resource made by exactly one key (at most one if the key is optional); each key's exists. */
function resourceProblems(
  keys: readonly StoredKey[],
  existing: ReadonlySet<string>,
  write: KeyedWrite,
): string[] {
  const keysOf = new Map<string, string[]>();
  for (const { key, resourceId } of keys) {
    if (resourceId !== null) keysOf.set(resourceId, [...(keysOf.get(resourceId) ?? []), key]);
  }
  const dangling = [...keysOf]
    .filter(([resourceId]) => !existing.has(resourceId))
    .map(([resourceId, named]) => `keys ${named.join()} name ${resourceId}, which does not exist`);
  const miscounted = [...existing]
    .map((id) => ({ id, count: keysOf.get(id)?.length ?? 0 }))
    .filter(({ count }) => count > 1 || (count === 0 && !write.keyOptional))
    .map(({ id, count }) => `${write.table} ${id} was made by ${count} keys`);
  return [...dangling, ...miscounted];
}

/** Every id a client was given for a key is the one the key names. */
function answerProblems(
  keys: readonly StoredKey[],
  sent: ReadonlyMap<string, Operation[]>,
): string[] {
  const storedByKey = new Map(keys.map((k) => [k.key, k.resourceId]));
  return [...sent].flatMap(([key, operations]) => {
    const told = new Set(
      operations.flatMap((o) => (o.result === 'ok' && o.value ? [o.value.id] : [])),
    );
    if (told.size === 0) return [];
    const stored = storedByKey.get(key) ?? null;
    const agrees = told.size === 1 && stored !== null && told.has(stored);
    return agrees
      ? []
      : [`key ${key}: clients were told ${[...told].join()}, the key names ${stored ?? 'nothing'}`];
  });
}

/** Each payment is for the order its key was sent with, on the card kind the client chose. */
async function paymentInputProblems(ctx: CheckContext): Promise<string[]> {
  const payments = await query<{ id: string; orderId: string; token: string; key: string }>(
    ctx.databaseUrl,
    `select p.id, p.order_id as "orderId", p.gateway_token as token, k.key
       from payments p join idempotency_keys k
         on k.scope = 'payments.pay' and k.resource_id = p.id and k.user_id = p.user_id`,
  );
  const sent = operationsByKey(ctx, 'pay');
  return payments.flatMap((payment) => {
    const input = sent.get(payment.key)?.[0]?.input;
    if (input === undefined) return []; // reported by the key check
    const asSent =
      input.orderId === payment.orderId && PROFILE_OF[input.card ?? 'approve'] === payment.token;
    return asSent
      ? []
      : [
          `payment ${payment.id} does not match its request ${JSON.stringify({ ...payment, input })}`,
        ];
  });
}

/** Each refund is of the order its key was sent with, for the amount and restock asked for. */
async function refundInputProblems(ctx: CheckContext): Promise<string[]> {
  const refunds = await query<{
    id: string;
    orderId: string;
    amountCents: number;
    restock: number;
    key: string;
  }>(
    ctx.databaseUrl,
    `select r.id, r.order_id as "orderId", r.amount_cents::int as "amountCents", k.key,
            coalesce((select sum((x->>'quantity')::int) from jsonb_array_elements(r.restock) x), 0)::int
              as restock
       from refunds r join idempotency_keys k on k.scope = 'refunds.create' and k.resource_id = r.id`,
  );
  const sent = operationsByKey(ctx, 'refund');
  return refunds.flatMap((refund) => {
    const input = sent.get(refund.key)?.[0]?.input;
    if (input === undefined) return []; // reported by the key check
    const asSent =
      input.orderId === refund.orderId &&
      (input.amountCents ?? refund.amountCents) === refund.amountCents &&
      (input.restock ?? 0) === refund.restock;
    return asSent
      ? []
      : [`refund ${refund.id} does not match its request ${JSON.stringify({ ...refund, input })}`];
  });
}

const FINAL_PAYMENT = ['SUCCESS', 'FAILED_FINAL'];
const FINAL_REFUND = ['SUCCEEDED', 'FAILED'];

/**
 * Orders clients saw created exist, and those they saw cancelled are CANCELLED; final payment and
 * refund statuses clients saw are still the status; a refund a client was told of is in its
 * order's list.
 */
async function acknowledgedProblems(ctx: CheckContext): Promise<string[]> {
  const orders = await query<{ id: string; status: string }>(
    ctx.databaseUrl,
    'select id, status from orders',
  );
  const statusOf = async (table: 'payments' | 'refunds') => {
    const rows = await query<{ id: string; status: string }>(
      ctx.databaseUrl,
      `select id, status from ${table}`,
    );
    return new Map(rows.map((r) => [r.id, r.status]));
  };
  const orderStatus = new Map(orders.map((o) => [o.id, o.status]));
  const paymentStatus = await statusOf('payments');
  const refundStatus = await statusOf('refunds');
  const stillHolds = (now: string | undefined, told: string, final: readonly string[]) =>
    now !== undefined && (now === told || !final.includes(told));
  return ctx.history.operations.flatMap((o) => {
    if (o.result !== 'ok' || o.value === undefined) return [];
    switch (o.op) {
      case 'createOrder':
      case 'createOrderKeyless':
        return orderStatus.has(o.value.id)
          ? []
          : [`order ${o.value.id} is gone: ${JSON.stringify(o)}`];
      case 'cancelOrder': {
        const now = orderStatus.get(o.value.id);
        return now === 'CANCELLED'
          ? []
          : [`order ${o.value.id} is ${now ?? 'gone'}: ${JSON.stringify(o)}`];
      }
      case 'pay':
      case 'getPayment': {
        const now = paymentStatus.get(o.value.id);
        return stillHolds(now, o.value.status, FINAL_PAYMENT)
          ? []
          : [`payment ${o.value.id} is ${now ?? 'gone'}: ${JSON.stringify(o)}`];
      }
      case 'refund':
      case 'listRefunds': {
        // ABSENT: refunds.list did not show a refund its order has (or had).
        const now = refundStatus.get(o.value.id);
        return o.value.status !== 'ABSENT' && stillHolds(now, o.value.status, FINAL_REFUND)
          ? []
          : [`refund ${o.value.id} is ${now ?? 'gone'}: ${JSON.stringify(o)}`];
      }
    }
  });
}

function operationsByKey(ctx: CheckContext, op: OpKind): Map<string, Operation[]> {
  const keyed = new Map<string, Operation[]>();
  for (const [key, operations] of ctx.history.byKey()) {
    const matching = operations.filter((o) => o.op === op);
    if (matching.length > 0) keyed.set(key, matching);
  }
  return keyed;
}
