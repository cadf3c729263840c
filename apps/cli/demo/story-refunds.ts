import { expectExit, type Ctl } from './ctl.js';
import type { Order, OrderLedger, Product } from './shapes.js';
import { expectThat, step } from './transcript.js';

/**
 * The admin refunds the flaky card's order (a DEMO-TEE and a DEMO-MUG, $32.49) in two parts
 * through `ordersctl refund`, each attempt shown as it happens: the tee sent back (restocked),
 * then — after asking for more than is left, refused — all that is left (no `--amount`) for the
 * mug, which came broken (not restocked). Then the whole ledger is verified, refunds included.
 */
export async function refundAndVerify(
  admin: Ctl,
  customer: Ctl,
  orderId: string,
  stockOf: (ctl: Ctl) => Promise<Map<string, Product>>,
): Promise<void> {
  step('The admin refunds the tee the customer sent back: a partial refund, restocked');
  const before = await stockOf(admin);
  const partial = await admin.run([
    'refund',
    orderId,
    '--amount',
    '1999',
    '--reason',
    'requested_by_customer',
    '--restock',
    'DEMO-TEE=1',
    '--note',
    'wrong size, sent back',
  ]);
  expectExit(partial, 0, 'refunded');
  expectThat(
    /^attempt 1: APPROVED /m.test(partial.stderr) &&
      partial.stderr.includes('SUCCEEDED — $19.99 refunded, 1 × DEMO-TEE restocked'),
    'the attempt and the outcome were shown as they happened',
  );
  const order = await customer.json<Order>(['order', 'show', orderId]);
  expectThat(order.status === 'PARTIALLY_REFUNDED', 'the order is PARTIALLY_REFUNDED');
  const afterPartial = await stockOf(admin);
  expectThat(
    afterPartial.get('DEMO-TEE')?.onHand === (before.get('DEMO-TEE')?.onHand ?? Number.NaN) + 1,
    'DEMO-TEE: the unit is back on hand',
  );

  step('The mug came broken: more than is left is refused; the rest refunded, nothing restocked');
  const over = await admin.run(['refund', orderId, '--amount', '2000', '--reason', 'other']);
  expectExit(over, 2, 'refused');
  expectThat(
    over.stdout === '' && over.stderr.includes('only $12.50 is left to refund'),
    'one line says what is left: $12.50',
  );
  const rest = await admin.run(['refund', orderId, '--reason', 'requested_by_customer']);
  expectExit(rest, 0, 'refunded');
  const refunds = (await admin.json<OrderLedger>(['ledger', orderId])).payment?.refunds ?? [];
  expectThat(
    refunds.map((r) => `${r.status} ${r.amountCents}`).join(', ') ===
      'SUCCEEDED 1999, SUCCEEDED 1250',
    'two refunds SUCCEEDED: $19.99 and the $12.50 left',
  );
  const refunded = await customer.json<Order>(['order', 'show', orderId]);
  expectThat(refunded.status === 'REFUNDED', 'the order is REFUNDED');
  const afterFull = await stockOf(admin);
  expectThat(
    afterFull.get('DEMO-MUG')?.onHand === afterPartial.get('DEMO-MUG')?.onHand,
    'DEMO-MUG: nothing restocked',
  );

  step("The order's ledger: one capture, two refunds, each balanced");
  expectExit(await customer.run(['ledger', orderId]), 0, 'shown');
  const { entries } = await customer.json<OrderLedger>(['ledger', orderId]);
  const balanced = entries.every(
    (e) => e.postings.reduce((sum, p) => sum + p.amountCents, 0) === 0,
  );
  expectThat(
    entries.map((e) => e.kind).join(',') === 'CAPTURE,REFUND,REFUND' && balanced,
    'CAPTURE, REFUND, REFUND; each one balanced',
  );

  step('The admin verifies the whole ledger, refunds included');
  const verify = await admin.run(['ledger', 'verify']);
  expectExit(verify, 0, 'every invariant holds');
  expectThat(verify.stdout.startsWith('Ledger OK'), 'Ledger OK, no problems listed');
}
