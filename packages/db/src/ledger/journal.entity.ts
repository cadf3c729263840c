import { JOURNAL_ENTRY_KINDS, type Currency } from '@orders/core';
import { defineEntity } from '@mikro-orm/core';
import { PaymentSchema } from '../payments/payment.entity.js';
import { RefundSchema } from '../refunds/refund.entity.js';

/** `journal_entries`: append-only, unique by reference, balanced at commit (both triggers). */
export const JournalEntrySchema = defineEntity({
  name: 'JournalEntry',
  tableName: 'journal_entries',
  properties: (p) => ({
    id: p.uuid().primary(),
    paymentId: p
      .manyToOne(PaymentSchema)
      .mapToPk()
      .joinColumn('payment_id')
      .updateRule('no action'),
    kind: p.enum([...JOURNAL_ENTRY_KINDS]),
    reference: p.text().unique('journal_entries_reference_unique'),
    currency: p.text().$type<Currency>(),
    createdAt: p.datetime(),
    prevHash: p.text(),
    hash: p.text(),
    refundId: p
      .manyToOne(RefundSchema)
      .mapToPk()
      .joinColumn('refund_id')
      .updateRule('no action')
      .deleteRule('no action')
      .nullable(),
  }),
  checks: [
    {
      name: 'journal_entries_refund_named',
      expression: "(kind = 'REFUND') = (refund_id is not null)",
    },
  ],
});

/** `postings`: signed amounts (debit > 0, credit < 0) of one entry. */
export const PostingSchema = defineEntity({
  name: 'Posting',
  tableName: 'postings',
  properties: (p) => ({
    id: p.bigint('number').primary().generated('identity'),
    entryId: p
      .manyToOne(JournalEntrySchema)
      .mapToPk()
      .joinColumn('entry_id')
      .updateRule('no action'),
    account: p.text(),
    amountCents: p.bigint('number'),
    currency: p.text().$type<Currency>(),
  }),
  indexes: [{ name: 'postings_entry', properties: ['entryId'] }],
  checks: [{ name: 'postings_nonzero', expression: 'amount_cents <> 0' }],
});
