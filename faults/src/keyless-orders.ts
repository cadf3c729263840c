import { query } from './cluster.js';
import { countBy, keylessCreates, type History, type OpResult } from './history.js';
import type { Invariant } from './invariant.js';

/** An order as these checks see it: whose it is, what it holds, and whether a key made it. */
export interface StoredOrder {
  readonly id: string;
  readonly userId: string;
  readonly status: string;
  /** Its lines' SKUs by line number: exactly one for every order the load places. */
  readonly skus: readonly string[];
  /** Named by an `orders.create` idempotency key; an order placed without one has no key row. */
  readonly keyed: boolean;
}

/** An orders.create sent without a key, as these checks see it. */
export interface KeylessCreate {
  readonly client: string;
  readonly userId: string;
  readonly sku: string;
  readonly result: OpResult;
  /** The order the client was told (`ok` only). */
  readonly orderId: string | undefined;
}

export const KEYLESS_ORDERS_INVARIANT =
  "every order no key made is one keyless create's: the one told of it (same customer and SKU), or one per unknown keyless create of that customer and SKU";

/** The keyless half of "every order came from exactly one client request". */
export const keylessOrdersInvariant: Invariant = {
  name: KEYLESS_ORDERS_INVARIANT,
  async find(ctx) {
    const creates = keylessCreatesOf(ctx.history, ctx.userIds);
    return keylessOrderProblems(creates, await findStoredOrders(ctx.databaseUrl));
  },
};

/**
 * Holds the orders against the keyless creates. Nothing ties a keyless create to its order but
 * the answer, so: each one answered ok names an order no key made, of its customer and SKU, and
 * told to nobody else; an order no key made that nobody was told of can only be an unknown
 * create's, so per customer and SKU there are at most as many of those as unknown creates (and
 * in all, at most as many orders no key made as creates that were ok or unknown).
 */
export function keylessOrderProblems(
  creates: readonly KeylessCreate[],
  orders: readonly StoredOrder[],
): string[] {
  const unkeyed = orders.filter((o) => !o.keyed);
  const told = creates.filter((c) => c.result === 'ok');
  const unknown = creates.filter((c) => c.result === 'unknown');
  const tooMany =
    unkeyed.length > told.length + unknown.length
      ? [
          `${unkeyed.length} orders no key made, but only ${told.length} keyless creates were ok ` +
            `and ${unknown.length} unknown`,
        ]
      : [];
  const byId = new Map(orders.map((o) => [o.id, o]));
  return [
    ...tooMany,
    ...told.flatMap((create) => toldOrderProblems(create, byId)),
    ...sharedOrderProblems(told),
    ...unexplainedOrderProblems(unkeyed, told, unknown),
  ];
}

function toldOrderProblems(
  create: KeylessCreate,
  byId: ReadonlyMap<string, StoredOrder>,
): string[] {
  const order = create.orderId === undefined ? undefined : byId.get(create.orderId);
  const told = `${create.client} was told order ${create.orderId ?? '(none)'} for ${create.sku}`;
  if (order === undefined) return [`${told}, which does not exist`];
  const problems = [
    order.keyed ? 'an orders.create key made it' : undefined,
    order.userId === create.userId ? undefined : `it belongs to user ${order.userId}`,
    order.skus.join() === create.sku ? undefined : `it holds ${order.skus.join() || 'no line'}`,
  ].filter((problem) => problem !== undefined);
  return problems.map((problem) => `${told}, but ${problem}`);
}

/** Two requests answered with one order: one of them made nothing, or the order was doubled. */
function sharedOrderProblems(told: readonly KeylessCreate[]): string[] {
  return [...groupBy(told, (c) => c.orderId ?? '(none)')]
    .filter(([, creates]) => creates.length > 1)
    .map(
      ([id, creates]) =>
        `order ${id} was told to ${creates.length} keyless creates (${creates.map((c) => c.client).join()})`,
    );
}

function unexplainedOrderProblems(
  unkeyed: readonly StoredOrder[],
  told: readonly KeylessCreate[],
  unknown: readonly KeylessCreate[],
): string[] {
  const toldIds = new Set(told.map((c) => c.orderId));
  const unexplained = groupBy(
    unkeyed.filter((o) => !toldIds.has(o.id)),
    (o) => `user ${o.userId}, ${o.skus.join('+') || 'no line'}`,
  );
  const unknownBy = groupBy(unknown, (c) => `user ${c.userId}, ${c.sku}`);
  return [...unexplained]
    .filter(([group, orders]) => orders.length > (unknownBy.get(group)?.length ?? 0))
    .map(
      ([group, orders]) =>
        `${group}: ${orders.length} orders no key made and nobody was told of, but ` +
        `${unknownBy.get(group)?.length ?? 0} unknown keyless creates (${orders.map((o) => o.id).join()})`,
    );
}

/** The run's keyless creates, each with the user id of the client that sent it. */
export function keylessCreatesOf(
  history: History,
  userIds: ReadonlyMap<string, string>,
): KeylessCreate[] {
  return keylessCreates(history).map((o) => {
    const userId = userIds.get(o.client);
    // Every load client is a customer the harness signed up: a miss is a harness bug.
    if (userId === undefined) throw new Error(`no user id for client ${o.client}`);
    return {
      client: o.client,
      userId,
      sku: o.input.sku ?? '',
      result: o.result,
      orderId: o.value?.id,
    };
  });
}

/** Every order, with its SKUs and whether an `orders.create` key names it. */
export function findStoredOrders(databaseUrl: string): Promise<StoredOrder[]> {
  return query<StoredOrder>(
    databaseUrl,
    `select o.id, o.user_id as "userId", o.status,
            coalesce(array_agg(l.sku order by l.line_no) filter (where l.order_id is not null), '{}') as skus,
            exists (select 1 from idempotency_keys k
                     where k.scope = 'orders.create' and k.resource_id = o.id) as keyed
       from orders o left join order_lines l on l.order_id = o.id
      group by o.id`,
  );
}

/** What the report says of the keyless orders. */
export interface KeylessFigures {
  /** Keyless creates by result: `{ ok: 800, error: 240, unknown: 30 }`. */
  readonly creates: Record<string, number>;
  /** Orders no key made, by status. */
  readonly orders: Record<string, number>;
  /** Of those, the ones no client was told of: made by creates whose outcome was unknown. */
  readonly toldToNobody: number;
}

export async function keylessFigures(
  databaseUrl: string,
  history: History,
): Promise<KeylessFigures> {
  const creates = keylessCreates(history);
  const told = new Set(creates.flatMap((o) => (o.result === 'ok' && o.value ? [o.value.id] : [])));
  const unkeyed = (await findStoredOrders(databaseUrl)).filter((o) => !o.keyed);
  return {
    creates: countBy(creates, (o) => o.result),
    orders: countBy(unkeyed, (o) => o.status),
    toldToNobody: unkeyed.filter((o) => !told.has(o.id)).length,
  };
}

function groupBy<T>(items: readonly T[], label: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const name = label(item);
    const group = groups.get(name) ?? [];
    group.push(item);
    groups.set(name, group);
  }
  return groups;
}
