import { appRouter, type AppRouter } from '@orders/server';
import type { inferRouterInputs } from '@trpc/server';
import fc from 'fast-check';
import { hostileStrings, type JsonObject } from './hostile-values.js';

type RouterInputs = inferRouterInputs<AppRouter>;

/** `auth.signup`, `orders.create`, …: every procedure's path, from the router's type. */
export type ProcedurePath = {
  [R in keyof RouterInputs]: `${R & string}.${keyof RouterInputs[R] & string}`;
}[keyof RouterInputs];

/** What the suite set up before the hostile run: the deep paths need real ids. */
export interface Fixtures {
  readonly sku: string;
  /** A PENDING order of the owner's, with one unit of `sku` reserved. */
  readonly orderId: string;
  readonly owner: { readonly email: string; readonly password: string };
}

export type Access = 'public' | 'user' | 'admin';

/** What the suite needs to know of a procedure beyond what the router says. */
export interface ProcedureFacts {
  readonly access: Access;
  /** An input that would succeed for the rightful caller; undefined when it takes none. */
  readonly valid?: (fixtures: Fixtures) => JsonObject;
  /** Fields kept as PostgreSQL text, which cannot hold NUL: such a value must be refused. */
  readonly storedText?: readonly string[];
  /** Whether it takes its idempotency key from the `Idempotency-Key` header too. */
  readonly idempotencyHeader?: boolean;
  /**
   * Well-formed inputs naming nothing that exists (unknown SKUs, random order ids): the domain
   * refuses them, whoever calls. Absent where a well-formed input would succeed (`auth.signup`).
   */
  readonly foreign?: (fixtures: Fixtures) => fc.Arbitrary<JsonObject>;
}

const goodCard = {
  type: 'card',
  number: '4242424242424242',
  expMonth: 12,
  expYear: 2099,
  cvc: '123',
};

/** A SKU the catalogue does not have (the fixture's is `HOSTILE-…`). */
const unknownSku = fc
  .stringMatching(/^[A-Z0-9][A-Z0-9_-]{0,20}$/)
  .filter((sku) => !sku.startsWith('HOSTILE'));
/**
 * Strings a field bounded only by length accepts: unicode, whitespace, lone surrogates. No NUL:
 * the poisoned-field cases own that, so that each failure points at one cause.
 */
const freeText = fc
  .oneof(hostileStrings, fc.string({ minLength: 1 }))
  .filter((text) => text.length <= 255 && !text.includes('\u0000'));
const cardNumbers = fc.oneof(
  fc.constantFrom('4242424242424242', '4000000000000002', '4100000000000019', '4000000000000341'),
  fc.stringMatching(/^[0-9][0-9 -]{10,24}[0-9]$/),
);
const cards = fc.record({
  type: fc.constant('card'),
  number: cardNumbers,
  expMonth: fc.integer({ min: 1, max: 12 }),
  expYear: fc.integer({ min: 0, max: 9999 }),
  cvc: fc.stringMatching(/^[0-9]{3,4}$/),
});
const orderRef = (field: 'id' | 'orderId') => () => fc.record({ [field]: fc.uuid() });
/** A webhook endpoint that does not exist: the suite registers none. */
const NO_ENDPOINT = '00000000-0000-4000-8000-000000000000';
const endpointRef = (field: 'id' | 'endpointId') => () => fc.record({ [field]: fc.uuid() });

/**
 * The table behind the suite. `satisfies Record<ProcedurePath, …>` makes a new procedure fail to
 * compile until it is described here; a test also compares it with the running router.
 */
export const procedureFacts = {
  'auth.signup': {
    access: 'public',
    valid: () => ({ email: 'hostile-new@example.com', password: 'long-enough-9', name: 'Eve' }),
    storedText: ['name'],
  },
  'auth.login': {
    access: 'public',
    valid: (f) => ({ email: f.owner.email, password: f.owner.password }),
    foreign: () =>
      fc.record({
        email: fc.stringMatching(/^[a-z0-9]{1,20}$/).map((local) => `${local}@nobody.example`),
        password: freeText,
      }),
  },
  'auth.me': { access: 'user' },
  'products.list': { access: 'public' },
  'products.get': { access: 'public', valid: (f) => ({ sku: f.sku }) },
  'inventory.upsert': {
    access: 'admin',
    valid: (f) => ({ sku: f.sku, name: 'Mug', priceCents: 1250, onHand: 100 }),
    storedText: ['name'],
  },
  'inventory.adjust': {
    access: 'admin',
    valid: (f) => ({ sku: f.sku, delta: 1, reason: 'recount' }),
    storedText: ['reason'],
    foreign: () =>
      fc.record({
        sku: unknownSku,
        delta: fc.integer({ min: -1_000_000, max: 1_000_000 }).filter((delta) => delta !== 0),
        reason: freeText,
      }),
  },
  'orders.create': {
    access: 'user',
    valid: (f) => ({ items: [{ sku: f.sku, quantity: 1 }], idempotencyKey: 'hostile-order' }),
    storedText: ['idempotencyKey'],
    foreign: () =>
      fc.record(
        {
          items: fc.array(
            fc.record({ sku: unknownSku, quantity: fc.integer({ min: 1, max: 1000 }) }),
            { minLength: 1, maxLength: 50 },
          ),
          idempotencyKey: freeText,
        },
        { requiredKeys: ['items'] },
      ),
  },
  'orders.get': { access: 'user', valid: (f) => ({ id: f.orderId }), foreign: orderRef('id') },
  'orders.list': { access: 'user', valid: () => ({ status: 'PENDING', limit: 10 }) },
  'orders.cancel': { access: 'user', valid: (f) => ({ id: f.orderId }), foreign: orderRef('id') },
  'payments.pay': {
    access: 'user',
    valid: (f) => ({ orderId: f.orderId, paymentMethod: goodCard, idempotencyKey: 'hostile-pay' }),
    storedText: ['idempotencyKey'],
    idempotencyHeader: true,
    foreign: () =>
      fc.record(
        { orderId: fc.uuid(), paymentMethod: cards, idempotencyKey: freeText },
        { requiredKeys: ['orderId', 'paymentMethod'] },
      ),
  },
  'payments.get': {
    access: 'user',
    valid: (f) => ({ orderId: f.orderId }),
    foreign: orderRef('orderId'),
  },
  'ledger.forOrder': {
    access: 'user',
    valid: (f) => ({ orderId: f.orderId }),
    foreign: orderRef('orderId'),
  },
  'ledger.verify': { access: 'admin' },
  'refunds.create': {
    access: 'admin',
    valid: (f) => ({
      orderId: f.orderId,
      amountCents: 1,
      reason: 'other',
      note: 'hostile',
      idempotencyKey: 'hostile-refund',
    }),
    storedText: ['note', 'idempotencyKey'],
    idempotencyHeader: true,
    foreign: () =>
      fc.record(
        {
          orderId: fc.uuid(),
          amountCents: fc.integer({ min: 1, max: 1_000_000 }),
          reason: fc.constantFrom('requested_by_customer', 'duplicate', 'fraudulent', 'other'),
          note: freeText,
          idempotencyKey: freeText,
        },
        { requiredKeys: ['orderId', 'reason'] },
      ),
  },
  'refunds.list': {
    access: 'user',
    valid: (f) => ({ orderId: f.orderId }),
    foreign: orderRef('orderId'),
  },
  'events.list': { access: 'user', valid: () => ({ limit: 10 }) },
  'events.cursor': { access: 'user' },
  // A stream, not a call: `listProcedures` leaves it out (see there).
  'events.subscribe': { access: 'user' },
  'webhooks.create': {
    access: 'admin',
    valid: () => ({
      url: 'https://hooks.example.com/orders',
      types: ['order.created'],
      description: 'hostile',
    }),
    storedText: ['url', 'description'],
  },
  'webhooks.list': { access: 'admin' },
  'webhooks.update': {
    access: 'admin',
    valid: () => ({ id: NO_ENDPOINT, enabled: false }),
    foreign: endpointRef('id'),
  },
  'webhooks.delete': {
    access: 'admin',
    valid: () => ({ id: NO_ENDPOINT }),
    foreign: endpointRef('id'),
  },
  'webhooks.deliveries': {
    access: 'admin',
    valid: () => ({ endpointId: NO_ENDPOINT }),
    foreign: endpointRef('endpointId'),
  },
  'webhooks.redeliver': {
    access: 'admin',
    valid: () => ({ endpointId: NO_ENDPOINT, eventId: 'evt_hostile' }),
    storedText: ['eventId'],
    foreign: () =>
      fc.record({ endpointId: fc.uuid(), eventId: fc.uuid().map((id) => `evt_${id}`) }),
  },
} as const satisfies Record<ProcedurePath, ProcedureFacts>;

/** A procedure as the suite drives it: the router's facts and the table's. */
export interface Procedure {
  readonly path: ProcedurePath;
  readonly type: 'query' | 'mutation';
  readonly rest: { readonly method: 'GET' | 'POST'; readonly path: string };
  readonly facts: ProcedureFacts;
  /** Whether it has an input schema; without one, its input is never read. */
  readonly takesInput: boolean;
  /** Whether the procedure's own input schema accepts `input` (no schema: anything). */
  accepts(input: unknown): boolean;
}

interface StandardSchema {
  readonly '~standard': { validate(value: unknown): unknown };
}

/** The procedure paths the running router offers, read from the router itself. */
export function routerProcedurePaths(): string[] {
  return Object.keys(appRouter._def.procedures).sort();
}

const isProcedurePath = (path: string): path is ProcedurePath =>
  Object.hasOwn(procedureFacts, path);

type ProcedureDef = { _def: { type: string; inputs: unknown[]; meta?: unknown } };

/**
 * Every query and mutation of the router, with its type, REST route and input schema. A
 * subscription (`events.subscribe`) is left out: it answers with a stream of server-sent events
 * that stays open, which the suite's one-request-one-answer exchanges cannot judge (the fault
 * suite's event follower reads it).
 */
export function listProcedures(): Procedure[] {
  const procedures = Object.entries(
    appRouter._def.procedures as unknown as Record<string, ProcedureDef>,
  );
  return procedures
    .filter(([, value]) => value._def.type !== 'subscription')
    .map(([path, value]) => {
      if (!isProcedurePath(path)) throw new Error(`${path} is missing from procedureFacts`);
      const def = value._def;
      const openapi = (def.meta as { openapi?: { method: string; path: string } } | undefined)
        ?.openapi;
      if (def.type !== 'query' && def.type !== 'mutation') throw new Error(`${path}: ${def.type}`);
      if (openapi?.method !== 'GET' && openapi?.method !== 'POST') {
        throw new Error(`${path} has no GET or POST REST route`);
      }
      if (def.inputs.length > 1) throw new Error(`${path} chains input parsers`);
      const schema = def.inputs[0] as StandardSchema | undefined;
      return {
        path,
        type: def.type,
        rest: { method: openapi.method, path: openapi.path },
        facts: procedureFacts[path],
        takesInput: schema !== undefined,
        accepts: (input) => (schema === undefined ? true : validates(schema, input)),
      };
    });
}

function validates(schema: StandardSchema, input: unknown): boolean {
  const result = schema['~standard'].validate(input);
  if (result instanceof Promise) throw new Error('an async input schema: the oracle needs sync');
  return typeof result === 'object' && result !== null && !('issues' in result && result.issues);
}
