export { startEmbeddedPostgres } from './embedded.js';
export type { EmbeddedPostgres, EmbeddedPostgresOptions } from './embedded.js';
export { initOrm, migrate, pingDatabase } from './orm.js';
export { createDatabase, hasSessionPerConnection, positional } from './database.js';
export type {
  Database,
  DatabaseOptions,
  Row,
  RunResult,
  Sql,
  TransactionOptions,
  TransactionSql,
} from './database.js';
export type { Orm, OrmOptions } from './orm.js';
export {
  classifyDbError,
  isAssertionFailure,
  isUniqueViolation,
  isUnknownUserReference,
  retryTransient,
} from './db-errors.js';
export type { DbFault, TransientRetryOptions } from './db-errors.js';
export { USER_ROLES } from './users/user.entity.js';
export type { UserRole } from './users/user.entity.js';
export type { UserCredentials, UserRecord } from './users/user.mapper.js';
export { createUserRepository } from './users/user.repository.js';
export type { NewUser, UserRepository } from './users/user.repository.js';
export { createRateLimitRepository } from './rate-limits/rate-limit.repository.js';
export type { RateLimitRepository } from './rate-limits/rate-limit.repository.js';
export type { EntityManager } from '@mikro-orm/postgresql';
export { PaymentSchema, PaymentAttemptSchema } from './payments/payment.entity.js';
export type { StoredPayment } from './payments/payment.mapper.js';
export {
  findPaymentByOrder,
  appendAttempt,
  insertPayment,
  listAttempts,
  lockPaymentWithAttempts,
  readPaymentFacts,
  savePaymentState,
} from './payments/payment.repository.js';
export type { ChainedAttempt, PaymentFacts } from './payments/payment.repository.js';
export type { OrderHeader } from './orders/order.mapper.js';
export { claimDuePayments, releaseLeases } from './payments/payment-lease.repository.js';
export { JournalEntrySchema, PostingSchema } from './ledger/journal.entity.js';
export {
  insertJournalEntry,
  listEntriesForPayment,
  loadLedgerSnapshot,
} from './ledger/ledger.repository.js';
export type { StoredJournalEntry } from './ledger/ledger.repository.js';
export { IdempotencyKeySchema } from './idempotency/idempotency-key.entity.js';
// catalogue, inventory, orders, idempotency
export { runInTransaction } from './transaction.js';
export type { ProductRecord } from './catalogue/product.mapper.js';
export {
  countProducts,
  createProduct,
  findProductBySku,
  findProductsBySkus,
  listProducts,
  lockProduct,
} from './catalogue/product.repository.js';
export type { NewProduct, StockChangeBy } from './catalogue/product.repository.js';
export {
  adjustProductStock,
  MAX_ON_HAND,
  upsertProduct,
} from './catalogue/product-stock.repository.js';
export type { StockChangeError } from './catalogue/product-stock.repository.js';
export {
  commitOrderStock,
  findStockLines,
  insufficientStock,
  releaseOrderStock,
  reserveOrderStock,
  StockShortage,
} from './inventory/stock.repository.js';
export type { SettleStockInput, StockLine } from './inventory/stock.repository.js';
export { findStockDrift } from './inventory/stock-audit.js';
export type { StockDrift } from './inventory/stock-audit.js';
export {
  findOrderById,
  findOrderForUser,
  findOrderHeader,
  findOrderPaymentStatus,
  insertOrder,
  lockOrder,
  lockOrderForPayment,
  transitionOrderStatus,
} from './orders/order.repository.js';
export { isOrderCursor, listOrdersForUser } from './orders/order-listing.js';
export type { OrderPage } from './orders/order-listing.js';
export { expireOrder, findExpiredPendingOrders } from './orders/order-expiry.repository.js';
export { claimIdempotencyKey, purgeIdempotencyKeys } from './idempotency/idempotency.repository.js';
export type { ClaimResult, IdempotencyKeyRecord } from './idempotency/idempotency.repository.js';
export { IDEMPOTENCY_KEY_STATES } from './idempotency/idempotency-key.entity.js';
export type { IdempotencyKeyState } from './idempotency/idempotency-key.entity.js';
export { inSnapshot } from './snapshot.js';
