// The public entry of @orders/db: it executes plans (statements, guarded writes, transactions),
// reads, migrates, launches the embedded database and classifies driver errors. It decides
// nothing: every business rule is core's.
export { startEmbeddedPostgres } from './embedded.js';
export { EMBEDDED_SEED_FILE, MIGRATED_SEED_FILE } from './embedded-seed.js';
export type { EmbeddedPostgres, EmbeddedPostgresOptions } from './embedded.js';
export { initOrm, migrate } from './orm.js';
export type { Orm, OrmOptions } from './orm.js';
export type { EntityManager } from '@mikro-orm/postgresql';
export { createDatabase, hasSessionPerConnection, positional } from './database.js';
export {
  DatabaseUrlError,
  describeDatabaseUrl,
  hostUrl,
  parseDatabaseUrl,
} from './database-url.js';
export type { DatabaseHost, DatabaseUrl } from './database-url.js';
export {
  databaseTarget,
  followPrimary,
  namesHostList,
  NoWritablePrimaryError,
} from './primary-follower.js';
export type {
  Primary,
  PrimaryEvent,
  PrimaryFollower,
  PrimaryFollowerOptions,
} from './primary-follower.js';
export { CLIENT_TIMEOUT_MARGIN_MS } from './session-pool.js';
export type { SessionTimeouts } from './session-pool.js';
export { readReplicationSettings } from './replication-safety.js';
export type { ReplicationSettings } from './replication-safety.js';
export type { Database, DatabaseOptions, PoolStats, Row, RunResult, Sql, Tx } from './database.js';
export { guarded, guardedFor, statement } from './statement.js';
export type { Statement } from './statement.js';
export {
  classifyDbError,
  isAssertionFailure,
  isPrimaryLost,
  isUniqueViolation,
  isUnknownUserReference,
  retryTransient,
} from './db-errors.js';
export type { DbFault, TransientRetryOptions } from './db-errors.js';
// users and rate limits
export { USER_ROLES } from './users/user.entity.js';
export type { UserRole } from './users/user.entity.js';
export type { UserCredentials, UserRecord } from './users/user.mapper.js';
export { createUserRepository } from './users/user.repository.js';
export type { NewUser, UserRepository } from './users/user.repository.js';
export { createRateLimitRepository } from './rate-limits/rate-limit.repository.js';
export type { RateLimitRepository } from './rate-limits/rate-limit.repository.js';
// catalogue and stock
export type { ProductRecord } from './catalogue/product.mapper.js';
export {
  adjustmentStatements,
  countProducts,
  findCatalogueProduct,
  findProductBySku,
  findProductsBySkus,
  listCatalogue,
  lockProduct,
  upsertStatements,
} from './catalogue/product.repository.js';
export type { ProductExists } from './catalogue/product.repository.js';
export {
  availableOf,
  reservationsAsPricedStatements,
  stockMoveStatements,
} from './inventory/stock-moves.js';
export type { MoveContext, Repriced, StockShortage } from './inventory/stock-moves.js';
export { findStockDrift } from './inventory/stock-audit.js';
export type { StockDrift } from './inventory/stock-audit.js';
// orders
export type { OrderHeader } from './orders/order.mapper.js';
export {
  cancellationStatements,
  findOrderById,
  findOrderHeader,
  findWholeOrder,
  insertOrderStatement,
  lockOrderForPayment,
  lockOrderWithPayment,
  orderTransitionStatement,
} from './orders/order.repository.js';
export type { PaymentRef } from './orders/order.repository.js';
export { isOrderCursor, listOrdersForUser } from './orders/order-listing.js';
export type { OrderPage } from './orders/order-listing.js';
export { findExpiredPendingOrders } from './orders/expiry-candidates.js';
// payments and the ledger
export type { StoredPayment } from './payments/payment.mapper.js';
export {
  conclusionStatements,
  findPaymentByOrder,
  insertPaymentStatement,
  listAttempts,
  lockPaymentWithAttempts,
  readPaymentFacts,
  recordAttemptStatement,
  savePaymentStateStatement,
} from './payments/payment.repository.js';
export type { ChainedAttempt, LeaseLost, PaymentFacts } from './payments/payment.repository.js';
export {
  claimDuePayments,
  claimDueRefunds,
  releaseLeases,
  releaseRefundLeases,
} from './payments/payment-lease.repository.js';
export {
  journalEntryStatement,
  listEntriesForPayment,
  loadStoredLedger,
} from './ledger/ledger.repository.js';
export type { StoredJournalEntry } from './ledger/ledger.repository.js';
// idempotency
export { claimIdempotencyKey, purgeIdempotencyKeys } from './idempotency/idempotency.repository.js';
export type { ClaimResult, IdempotencyKeyRecord } from './idempotency/idempotency.repository.js';
export { IDEMPOTENCY_KEY_STATES } from './idempotency/idempotency-key.entity.js';
export type { IdempotencyKeyState } from './idempotency/idempotency-key.entity.js';
export { createMissingDatabase, databaseExists, databaseNameOf } from './database-presence.js';
// refunds
export type { StoredRefund } from './refunds/refund.mapper.js';
export {
  countSucceededRefunds,
  createRefundStatements,
  listRefundsForOrder,
  lockRefundSubject,
} from './refunds/refund.repository.js';
export {
  lockRefundForAttempt,
  recordRefundAttemptStatements,
  saveRefundStateStatement,
} from './refunds/refund-attempt.repository.js';
export type { RefundForAttempt } from './refunds/refund-attempt.repository.js';
export type {
  OverCap,
  OverRestock,
  RefundSubjectRecord,
  RefundWithAttempts,
} from './refunds/refund.repository.js';
// events
export { EVENT_AGGREGATE_TYPES } from './events/event.entity.js';
export type { EventAggregateType } from './events/event.entity.js';
export {
  appendEventsStatement,
  currentEventCursor,
  eventHorizon,
  listEvents,
  purgeEvents,
} from './events/event.repository.js';
export type { EventHorizon, EventQuery, NewEvent, StoredEvent } from './events/event.repository.js';
export { formatEventCursor, isEventCursor, parseEventCursor } from './events/event-cursor.js';
export type { EventPosition } from './events/event-cursor.js';
export {
  advanceRelayCursor,
  claimRelayLease,
  countEventsAfterRelay,
  readRelayCursor,
  releaseRelayLease,
} from './relays/relay.repository.js';
// webhooks
export {
  deleteWebhookEndpoint,
  findWebhookEndpoint,
  insertWebhookEndpoint,
  listWebhookEndpoints,
  lockWebhookEndpoint,
  updateWebhookEndpoint,
  updateWebhookEndpointStatement,
} from './webhooks/webhook-endpoint.repository.js';
export type {
  WebhookEndpoint,
  WebhookEndpointChange,
} from './webhooks/webhook-endpoint.repository.js';
export {
  claimDueWebhookDeliveries,
  insertWebhookDeliveries,
  lockClaimedWebhookDelivery,
  recordWebhookAttempt,
  releaseWebhookLeases,
} from './webhooks/webhook-delivery.repository.js';
export type {
  ClaimedWebhookDelivery,
  HeldWebhookDelivery,
  NewWebhookDelivery,
  WebhookAttemptRecord,
} from './webhooks/webhook-delivery.repository.js';
export { listWebhookDeliveries } from './webhooks/webhook-delivery-log.repository.js';
export type {
  WebhookAttempt,
  WebhookDelivery,
} from './webhooks/webhook-delivery-log.repository.js';
export {
  insertRedelivery,
  isEventStored,
  lockWebhookDeliveryOf,
  requestWebhookRedelivery,
  resetWebhookDelivery,
} from './webhooks/webhook-redelivery.repository.js';
export type { WebhookDeliveryState } from './webhooks/webhook-redelivery.repository.js';
