import { ProductSchema } from './catalogue/product.entity.js';
import { EventAggregateVersionSchema, EventSchema } from './events/event.entity.js';
import { IdempotencyKeySchema } from './idempotency/idempotency-key.entity.js';
import { StockMovementSchema } from './inventory/stock-movement.entity.js';
import { JournalEntrySchema, PostingSchema } from './ledger/journal.entity.js';
import { OrderEventSchema, OrderLineSchema, OrderSchema } from './orders/order.entity.js';
import { PaymentAttemptSchema, PaymentSchema } from './payments/payment.entity.js';
import { RateLimitSchema } from './rate-limits/rate-limit.entity.js';
import { EventRelaySchema } from './relays/event-relay.entity.js';
import { RefundAttemptSchema, RefundSchema } from './refunds/refund.entity.js';
import { UserSchema } from './users/user.entity.js';
import {
  WebhookDeliveryAttemptSchema,
  WebhookDeliverySchema,
  WebhookEndpointSchema,
} from './webhooks/webhook.entity.js';

/**
 * Every entity schema the ORM knows: one per table the migrations create. The migrations own the
 * schema; the entities describe it exactly, and `schema.test.ts` holds them to it (the ORM's diff
 * against a migrated database is empty). What that takes, said once here:
 * - strings are `text()`, not `string()` (varchar(255));
 * - a one-column `in (...)` check is an `enum(...)`: the ORM reads such a check back as the
 *   column's enum, so it cannot be a named check (the check's name is the one thing lost);
 * - every other check is named as in the migration and spelled as PostgreSQL stores it: `between`
 *   becomes two comparisons, an `in (...)` inside a larger expression `= any (array[...])`;
 * - a reference is a `manyToOne(...).mapToPk()` (a plain id, no object graph) with
 *   `updateRule('no action')`, since MikroORM would otherwise declare `on update cascade`, and,
 *   when nullable, `deleteRule('no action')` instead of MikroORM's `set null`;
 * - `generated always as identity` keys are `generated('identity')`;
 * - an index with `desc`, an expression or a `where` is written out whole as its `expression`
 *   (the ORM's diff compares such an index by name only; the test compares the catalogues);
 * - unnamed constraints get PostgreSQL's names from `PostgresNamingStrategy`.
 * Triggers and functions are outside the ORM's view: the migrations alone own them.
 */
export const entities = [
  UserSchema,
  RateLimitSchema,
  ProductSchema,
  OrderSchema,
  OrderLineSchema,
  OrderEventSchema,
  StockMovementSchema,
  PaymentSchema,
  PaymentAttemptSchema,
  JournalEntrySchema,
  PostingSchema,
  RefundSchema,
  RefundAttemptSchema,
  IdempotencyKeySchema,
  EventSchema,
  EventAggregateVersionSchema,
  EventRelaySchema,
  WebhookEndpointSchema,
  WebhookDeliverySchema,
  WebhookDeliveryAttemptSchema,
];
