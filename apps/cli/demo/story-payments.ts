import { expectExit, orderIdIn, type Ctl, type CtlResult } from './ctl.js';
import type { OrderLedger, Product } from './shapes.js';
import { expectThat, step, Surprise } from './transcript.js';

const EXPIRY = ['--exp', '12/34', '--cvc', '123'] as const;

/** What the payment steps leave for the later ones. */
export interface Paid {
  /** The order paid with 4242…, the payment's id and the idempotency key the CLI printed. */
  readonly first: { readonly orderId: string; readonly paymentId: string; readonly key: string };
  /** The order paid with the flaky card. */
  readonly flakyOrderId: string;
}

/** Order and pay with each kind of card; every outcome checked through `--json ledger`. */
export async function payWithEachCard(
  customer: Ctl,
  stockOf: (ctl: Ctl) => Promise<Map<string, Product>>,
): Promise<Paid> {
  step('Order and pay with 4242 4242 4242 4242: SUCCESS in one attempt');
  const first = await orderOf(customer, ['--item', 'DEMO-MUG=2']);
  const paid = await customer.run(['pay', first, '--card', '4242424242424242', ...EXPIRY]);
  expectExit(paid, 0, 'paid');
  const key = /^idempotency key (\S+)/m.exec(paid.stderr)?.[1] ?? '';
  const payment = (await ledgerOf(customer, first)).payment;
  expectThat(
    payment?.status === 'SUCCESS' && payment.attempts.length === 1,
    'SUCCESS after one attempt',
  );
  expectThat(key !== '', 'the idempotency key was printed before paying');

  step('The flaky card 4000 0000 0000 0341: two gateway timeouts, retried, then SUCCESS');
  const flaky = await orderOf(customer, ['--item', 'DEMO-TEE=1', '--item', 'DEMO-MUG=1']);
  expectExit(
    await customer.run(['pay', flaky, '--card', '4000000000000341', ...EXPIRY]),
    0,
    'paid',
  );
  const outcomes = (await ledgerOf(customer, flaky)).payment?.attempts.map((a) => a.outcome);
  expectThat(
    outcomes?.join(',') === 'ERROR,ERROR,APPROVED',
    'three attempts: ERROR, ERROR, APPROVED',
  );

  step('A declined card 4000 0000 0000 0002: the order fails and its stock comes back');
  const declined = await orderOf(customer, ['--item', 'DEMO-TEE=2']);
  const refusal = await customer.run(['pay', declined, '--card', '4000000000000002', ...EXPIRY]);
  expectExit(refusal, 4, 'payment not successful');
  const declinedPayment = (await ledgerOf(customer, declined)).payment;
  expectThat(
    declinedPayment?.failureCode === 'CARD_DECLINED' && declinedPayment.order.status === 'FAILED',
    'FAILED_FINAL with CARD_DECLINED; the order is FAILED',
  );
  const tee = (await stockOf(customer)).get('DEMO-TEE');
  expectThat(
    tee?.available === 4 && tee.reserved === 0,
    'DEMO-TEE: its 2 units released, 4 available (5 − 1 sold)',
  );

  step(
    'A blocklisted card 4100 0000 0000 0019: rejected by the fraud rules, the gateway never called',
  );
  const blocked = await orderOf(customer, ['--item', 'DEMO-MUG=1']);
  expectExit(
    await customer.run(['pay', blocked, '--card', '4100000000000019', ...EXPIRY]),
    4,
    'payment not successful',
  );
  const rejected = (await ledgerOf(customer, blocked)).payment;
  const rules = rejected?.fraud.signals.map((s) => s.rule) ?? [];
  expectThat(
    rejected?.failureCode === 'FRAUD_REJECTED' && rules.includes('BLOCKLISTED_CARD'),
    'FRAUD_REJECTED by BLOCKLISTED_CARD',
  );
  expectThat(rejected?.attempts.length === 0, 'no gateway attempt was made');

  return { first: { orderId: first, paymentId: payment?.id ?? '', key }, flakyOrderId: flaky };
}

/** Retry the first payment, then read the flaky card's order's ledger. */
export async function retryAndAudit(customer: Ctl, paid: Paid): Promise<void> {
  const { orderId, paymentId, key } = paid.first;
  step('The first payment retried with the same idempotency key: no second charge');
  const again = await customer.run([
    'pay',
    orderId,
    '--card',
    '4242424242424242',
    ...EXPIRY,
    '--idempotency-key',
    key,
  ]);
  expectExit(again, 0, 'the stored result, replayed');
  const after = await ledgerOf(customer, orderId);
  expectThat(
    again.stdout.includes(paymentId) && after.payment?.id === paymentId,
    'the same payment came back',
  );
  expectThat(after.payment?.attempts.length === 1, 'still one gateway attempt');
  expectThat(
    after.entries.length === 1 && after.entries[0]?.kind === 'CAPTURE',
    'still exactly one capture',
  );

  step("The ledger of the flaky card's order");
  expectExit(await customer.run(['ledger', paid.flakyOrderId]), 0, 'shown');
  const { entries } = await ledgerOf(customer, paid.flakyOrderId);
  const balanced = entries.every(
    (e) => e.postings.reduce((sum, p) => sum + p.amountCents, 0) === 0,
  );
  expectThat(entries.length === 1 && balanced, 'one capture; its debits equal its credits');
}

async function orderOf(customer: Ctl, items: readonly string[]): Promise<string> {
  const created: CtlResult = await customer.run(['order', 'create', ...items]);
  if (created.code !== 0)
    throw new Surprise(`order create exited ${created.code}: ${created.stderr.trim()}`);
  return orderIdIn(created);
}

function ledgerOf(ctl: Ctl, orderId: string): Promise<OrderLedger> {
  return ctl.json<OrderLedger>(['ledger', orderId]);
}
