import { describe, expect, it } from 'vitest';
import { keylessOrderProblems, type KeylessCreate, type StoredOrder } from './keyless-orders.js';

const ANN = 'user-ann';
const BOB = 'user-bob';

function create(overrides: Partial<KeylessCreate> = {}): KeylessCreate {
  return {
    client: 'customer-0',
    userId: ANN,
    sku: 'FAULT-MUG',
    result: 'ok',
    orderId: 'order-1',
    ...overrides,
  };
}

function order(overrides: Partial<StoredOrder> = {}): StoredOrder {
  return {
    id: 'order-1',
    userId: ANN,
    status: 'CONFIRMED',
    skus: ['FAULT-MUG'],
    keyed: false,
    ...overrides,
  };
}

describe('keylessOrderProblems', () => {
  it('accepts an order told to its keyless create, of its customer and SKU', () => {
    expect(keylessOrderProblems([create()], [order()])).toEqual([]);
  });

  it('leaves orders made by keys to the key check', () => {
    expect(keylessOrderProblems([], [order({ keyed: true })])).toEqual([]);
  });

  it('accepts an order nobody was told of that an unknown create of its customer and SKU may have made', () => {
    const unknown = create({ result: 'unknown', orderId: undefined });
    expect(keylessOrderProblems([unknown], [order({ id: 'order-2' })])).toEqual([]);
  });

  it('accepts an unknown create that made no order', () => {
    expect(keylessOrderProblems([create({ result: 'unknown', orderId: undefined })], [])).toEqual(
      [],
    );
  });

  it('reports a second order nobody was told of when one create of that customer and SKU was unknown', () => {
    const unknown = create({ result: 'unknown', orderId: undefined });
    const problems = keylessOrderProblems(
      [create(), unknown],
      [order(), order({ id: 'order-2' }), order({ id: 'order-3' })],
    );
    expect(problems).toEqual([
      '3 orders no key made, but only 1 keyless creates were ok and 1 unknown',
      `user ${ANN}, FAULT-MUG: 2 orders no key made and nobody was told of, but 1 unknown keyless creates (order-2,order-3)`,
    ]);
  });

  it('reports an order nobody was told of when the unknown creates were of another SKU or customer', () => {
    const creates = [
      create({ result: 'unknown', orderId: undefined, sku: 'FAULT-TEE' }),
      create({ result: 'unknown', orderId: undefined, userId: BOB }),
    ];
    const problems = keylessOrderProblems(creates, [order({ id: 'order-2' })]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`user ${ANN}, FAULT-MUG: 1 orders no key made`);
  });

  it('never lets a refused create explain an order', () => {
    const refused = create({ result: 'error', orderId: undefined });
    expect(keylessOrderProblems([refused], [order()])).toHaveLength(2);
  });

  it('reports an order without lines, which no create can have made', () => {
    const unknown = create({ result: 'unknown', orderId: undefined });
    const problems = keylessOrderProblems([unknown], [order({ skus: [] })]);
    expect(problems).toEqual([
      `user ${ANN}, no line: 1 orders no key made and nobody was told of, but 0 unknown keyless creates (order-1)`,
    ]);
  });

  it('reports a create told an order of another customer, of another SKU, or made by a key', () => {
    const told = 'customer-0 was told order order-1 for FAULT-MUG, but';
    expect(keylessOrderProblems([create()], [order({ userId: BOB })])).toEqual([
      `${told} it belongs to user ${BOB}`,
    ]);
    expect(keylessOrderProblems([create()], [order({ skus: ['FAULT-TEE'] })])).toEqual([
      `${told} it holds FAULT-TEE`,
    ]);
    expect(keylessOrderProblems([create()], [order({ keyed: true })])).toEqual([
      `${told} an orders.create key made it`,
    ]);
  });

  it('reports a create told an order that does not exist', () => {
    expect(keylessOrderProblems([create()], [])).toEqual([
      'customer-0 was told order order-1 for FAULT-MUG, which does not exist',
    ]);
  });

  it('reports one order told to two creates', () => {
    const problems = keylessOrderProblems([create(), create({ client: 'customer-1' })], [order()]);
    expect(problems).toEqual([
      'order order-1 was told to 2 keyless creates (customer-0,customer-1)',
    ]);
  });
});
