import { randomUUID } from 'node:crypto';
import type { Account } from './client-flow.js';
import {
  readField as field,
  stepsThroughPrism,
  type FlowReport,
  type FlowTargets,
} from './prism.js';
import { runWebhookSteps } from './rest-webhooks.js';

/**
 * The demo's story over REST through Prism's validating proxy: the happy path (a lower-case SKU,
 * the idempotency key in the header, then in the body, a partial refund with a restock), the
 * refusals a valid request can meet (404, 409, 422, 401, 403, 413 and the 400 of a pay or refund
 * without a key), and bad requests; then the webhooks operations, to `receiverUrl`
 * (rest-webhooks.ts). Every valid request must be forwarded and answered with no violation.
 * Every request the document refuses must be refused by the proxy too, and — sent through a
 * proxy that lets it pass, or to the server when no proxy forwards it — refused by the server
 * with a declared, valid answer.
 */
export async function runRestFlow(
  targets: FlowTargets,
  admin: Account,
  card: string,
  receiverUrl: string,
): Promise<FlowReport> {
  const report: FlowReport = { passed: [], failed: [] };
  const { post, get } = stepsThroughPrism(targets, report);
  const run = randomUUID().slice(0, 8);
  const ann = { email: `prism-${run}@example.com`, password: 'prism-password-9' };
  const paymentMethod = (number: string) => ({
    type: 'card',
    number,
    expMonth: 12,
    expYear: 2099,
    cvc: '123',
  });

  await post('sign up', '/auth/signup', { ...ann, name: 'Ann' }, 200);
  const token = String(field(await post('log in', '/auth/login', ann, 200), 'accessToken'));
  const adminToken = String(
    field(await post('admin logs in', '/auth/login', admin, 200), 'accessToken'),
  );
  const asAnn = { token };
  const asAdmin = { token: adminToken };
  await get('who am I', '/api/me', 200, asAnn);
  const sku = `prism-${run}`;
  const product = { sku, name: 'Prism mug', priceCents: 990, onHand: 6 };
  await post('stock a lower-case SKU', '/api/inventory', product, 200, asAdmin);
  const adjustment = { delta: 4, reason: 'delivery' };
  await post('adjust its stock', `/api/inventory/${sku}/adjustments`, adjustment, 200, asAdmin);
  await get('the catalogue', '/api/products', 200);
  await get('one product, lower case', `/api/products/${sku}`, 200);
  const order = async (quantity: number) => {
    const items = [{ sku: ` ${sku} `, quantity }];
    return String(
      field(await post('order, SKU with spaces', '/api/orders', { items }, 200, asAnn), 'id'),
    );
  };
  const pay = (
    name: string,
    orderId: string,
    key: { header?: string; body?: string },
    status: number,
  ) => {
    const headers: Record<string, string> =
      key.header === undefined ? {} : { 'Idempotency-Key': key.header };
    const body = {
      orderId,
      paymentMethod: paymentMethod(card),
      ...(key.body === undefined ? {} : { idempotencyKey: key.body }),
    };
    return post(name, '/api/payment-processor/pay', body, status, { token, headers });
  };
  const first = await order(2);
  await get('list orders', '/api/orders?limit=5', 200, asAnn);
  await get('one order', `/api/orders/${first}`, 200, asAnn);
  await pay('pay, key in the header', first, { header: `h-${run}` }, 200);
  const second = await order(1);
  await pay('pay, key in the body', second, { body: `b-${run}` }, 200);
  const refunds = (orderId: string) => `/api/payment-processor/${orderId}/refunds`;
  const refundKey = (key: string) => ({ 'Idempotency-Key': `${key}-${run}` });
  const part = {
    amountCents: 500,
    reason: 'requested_by_customer',
    note: 'one mug came broken',
    restock: [{ sku: ` ${sku} `, quantity: 1 }],
  };
  await post('refund part, restocking one', refunds(first), part, 200, {
    ...asAdmin,
    headers: refundKey('r'),
  });
  await get('its refunds', refunds(first), 200, asAnn);
  await get('the payment, refunds included', `/api/payment-processor/${first}`, 200, asAnn);
  await get('the ledger', `/api/orders/${first}/ledger`, 200, asAnn);
  await get('verify the ledger', '/api/ledger/verify', 200, asAdmin);
  await get('the cursor of now', '/api/events/cursor', 200, asAdmin);
  await get(
    'her events, two types',
    '/api/events?types=order.created,payment.succeeded',
    200,
    asAnn,
  );
  await get('every event, a page of 5', '/api/events?limit=5', 200, asAdmin);
  const cancelled = await order(1);
  await post('cancel', `/api/orders/${cancelled}/cancel`, undefined, 200, asAnn);

  // Valid requests the server refuses: each status declared, each body as documented.
  await get('an unknown order', `/api/orders/${randomUUID()}`, 404, asAnn);
  await pay('pay an unknown order', randomUUID(), { header: `u-${run}` }, 404);
  await pay('pay a paid order', first, { header: `again-${run}` }, 409);
  await pay('pay with no key, in neither place', second, {}, 400);
  await pay('pay with two different keys', second, { header: 'one', body: 'two' }, 400);
  await post('cancel a paid order', `/api/orders/${first}/cancel`, undefined, 409, asAnn);
  await post('too few in stock', '/api/orders', { items: [{ sku, quantity: 99 }] }, 409, asAnn);
  const unknown = { items: [{ sku: `none-${run}`, quantity: 1 }] };
  await post('an unknown SKU', '/api/orders', unknown, 422, asAnn);
  await post('an email taken', '/auth/signup', ann, 409);
  await post('a wrong password', '/auth/login', { ...ann, password: 'wrong-password' }, 401);
  await get('a forged token', '/api/me', 401, { token: 'a.b.c' });
  await post('a customer stocking', '/api/inventory', { sku, onHand: 1 }, 403, asAnn);
  const other = { reason: 'other' };
  const asAdminKeyed = (key: string) => ({ ...asAdmin, headers: refundKey(key) });
  const over = { amountCents: 99_999, reason: 'other' };
  await post('refund more than is left', refunds(first), over, 422, asAdminKeyed('over'));
  const restockMore = { ...other, amountCents: 1, restock: [{ sku, quantity: 5 }] };
  await post('restock more than bought', refunds(first), restockMore, 422, asAdminKeyed('more'));
  await post('refund a cancelled order', refunds(cancelled), other, 409, asAdminKeyed('cxl'));
  await post('refund an unknown order', refunds(randomUUID()), other, 404, asAdminKeyed('unk'));
  await post('refund with no key, in neither place', refunds(second), other, 400, asAdmin);
  await post('a customer refunding', refunds(first), other, 403, {
    ...asAnn,
    headers: refundKey('mine'),
  });
  const bob = { email: `prism-bob-${run}@example.com`, password: 'prism-password-9' };
  await post('sign up another customer', '/auth/signup', bob, 200);
  const bobToken = String(field(await post('they log in', '/auth/login', bob, 200), 'accessToken'));
  await get("another customer's refunds", refunds(first), 404, { token: bobToken });
  await post('a body over 64 KiB', '/auth/signup', { ...ann, padding: 'x'.repeat(70_000) }, 413);

  // Bad requests: the document refuses them as the server does.
  const invalid = { refusedByDocument: 'request' } as const;
  const badCard = { orderId: second, paymentMethod: paymentMethod('4242') };
  const keyed = { ...asAnn, ...invalid, headers: { 'Idempotency-Key': `c-${run}` } };
  await post('a missing field', '/auth/signup', { email: ann.email }, 400, invalid);
  const wrongType = { items: [{ sku, quantity: '2' }] };
  await post('a wrong type', '/api/orders', wrongType, 400, { ...asAnn, ...invalid });
  await get('a bad SKU', '/api/products/not!a-sku', 400, invalid);
  const lookalike = { items: [{ sku: 'ſku-1', quantity: 1 }] };
  await post('a SKU that upper-cases into one', '/api/orders', lookalike, 400, {
    ...asAnn,
    ...invalid,
  });
  await get('an id that is no uuid', '/api/orders/42', 400, { ...asAnn, ...invalid });
  await get('an event cursor that is none', '/api/events?after=nope', 400, {
    ...asAnn,
    ...invalid,
  });
  await post('a card number that is none', '/api/payment-processor/pay', badCard, 400, keyed);
  const badReason = { ...asAdmin, ...invalid, headers: refundKey('why') };
  await post(
    'a refund reason that is none',
    refunds(second),
    { reason: 'because' },
    400,
    badReason,
  );
  const text = { raw: { type: 'text/plain', text: 'hello' }, ...invalid };
  await post('a text/plain body', '/auth/login', undefined, 415, text);
  await get('no token', '/api/me', 401, { refusedByDocument: 'token' });
  const broken = {
    raw: { type: 'application/json', text: '{"email":' },
    refusedByDocument: 'json',
  } as const;
  await post('a body that is not JSON', '/auth/login', undefined, 400, broken);

  await runWebhookSteps(targets, report, { admin: adminToken, customer: token }, receiverUrl);
  return report;
}
