// The only public entry of @orders/core: explicit named re-exports, grouped by area.

// shared
export { ok, err } from './shared/result.js';
export type { Result, Ok, Err } from './shared/result.js';
export {
  CURRENCIES,
  DEFAULT_CURRENCY,
  money,
  zeroMoney,
  addMoney,
  subtractMoney,
  multiplyMoney,
  negateMoney,
  sumMoney,
  moneyEquals,
  formatCents,
  formatMoney,
} from './shared/money.js';
export type { Currency, Money } from './shared/money.js';
export { asUserId, asOrderId, asPaymentId, asProductId, asSku, asRefundId } from './shared/ids.js';
export type { Brand, UserId, OrderId, PaymentId, ProductId, Sku, RefundId } from './shared/ids.js';
export { DOMAIN_ERROR_CODES, domainError, isDomainErrorCode } from './shared/domain-error.js';
export type {
  DomainError,
  DomainErrorCode,
  DomainErrorFacts,
  DomainErrorOf,
} from './shared/domain-error.js';
export { describeDomainError } from './shared/describe-domain-error.js';
export { sha256Hex, utf8Encode } from './shared/sha256.js';
export { canonicalJson } from './shared/canonical-json.js';
export { hashString32, mulberry32 } from './shared/seeded-random.js';
export { isAllowedTransition } from './shared/state-machine.js';
export type { TransitionTable } from './shared/state-machine.js';

// orders
export { ORDER_STATUSES, ORDER_LIMITS } from './orders/order.js';
export type {
  OrderStatus,
  Order,
  OrderLine,
  OrderLineRequest,
  CatalogueItem,
} from './orders/order.js';
export {
  orderTransitions,
  canTransitionOrder,
  transitionOrder,
  planOrderTransition,
} from './orders/order-transitions.js';
export type { OrderTransition } from './orders/order-transitions.js';
export { validateOrderLines, priceOrder } from './orders/price-order.js';
export type { PricedOrder, PriceOrderError, OrderLinesError } from './orders/price-order.js';
export { placeOrder } from './orders/place-order.js';
export type { PlaceOrderInput, OrderPlacement } from './orders/place-order.js';
export { checkOrderAccess } from './orders/order-access.js';
export type { OrderRequest } from './orders/order-access.js';
export { decideCancellation, decideExpiry } from './orders/cancel-order.js';
export type { CancellationBy, CancellationPlan, CancellationError } from './orders/cancel-order.js';
export {
  DEFAULT_ORDER_TTL_MS,
  orderExpiresAt,
  isExpired,
  checkOrderPayable,
} from './orders/order-expiry.js';

// inventory
export {
  STOCK_LIMITS,
  STOCK_MOVEMENT_KINDS,
  availableStock,
  planStockMoves,
  stockLevelProblem,
  setStockOnHand,
  adjustStock,
  sortByLockOrder,
} from './inventory/stock.js';
export type {
  StockLevel,
  ProductStock,
  StockMovementKind,
  OrderStockMoveKind,
  StockMove,
  StockLine,
  StockChange,
} from './inventory/stock.js';
export { decideUpsert, decideAdjustment } from './inventory/decide-product-change.js';
export type {
  Product,
  ProductChangeError,
  UpsertPlan,
  UpsertRequest,
} from './inventory/decide-product-change.js';

// payments
export { PAYMENT_STATUSES, FAILURE_CODES } from './payments/payment.js';
export type {
  PaymentStatus,
  FailureCode,
  Payment,
  AttemptResult,
  PaymentAttempt,
} from './payments/payment.js';
export {
  paymentTransitions,
  canTransitionPayment,
  transitionPayment,
} from './payments/payment-transitions.js';
export { initiatePayment } from './payments/initiate-payment.js';
export type { InitiatePaymentInput, InitiatePaymentError } from './payments/initiate-payment.js';
export { gatewayIdempotencyKey, beginAttempt, decideAfterAttempt } from './payments/run-attempt.js';
export { decidePayment } from './payments/decide-payment.js';
export type { PaymentCreation } from './payments/decide-payment.js';
export { concludePayment } from './payments/conclude-payment.js';
export type { PaymentConclusion } from './payments/conclude-payment.js';
export { settleAttempt } from './payments/settle-attempt.js';
export type { SettleAttemptInput, AttemptSettlement } from './payments/settle-attempt.js';
export type {
  AttemptStart,
  AttemptDecision,
  DecideAfterAttemptInput,
} from './payments/run-attempt.js';

// refunds
export { REFUND_STATUSES, REFUND_REASONS, REFUND_FAILURE_CODES } from './refunds/refund.js';
export type {
  Refund,
  RefundStatus,
  RefundReason,
  RefundFailureCode,
  RefundAttempt,
  RefundAttemptCode,
  RestockLine,
} from './refunds/refund.js';
export {
  refundTransitions,
  canTransitionRefund,
  transitionRefund,
} from './refunds/refund-transitions.js';
export { decideRefund, refundableCents, restockableQuantity } from './refunds/decide-refund.js';
export type {
  RefundRequest,
  RefundHold,
  RefundSubject,
  RefundDecisionError,
  RefundCreation,
} from './refunds/decide-refund.js';
export { beginRefundAttempt, settleRefundAttempt } from './refunds/settle-refund-attempt.js';
export type {
  SettleRefundAttemptInput,
  RefundConclusion,
  RefundAttemptSettlement,
} from './refunds/settle-refund-attempt.js';
// retry
export {
  DEFAULT_RETRY_POLICY,
  createRetryPolicy,
  nominalDelay,
  retryDelay,
  hasAttemptsLeft,
  classifyOutcome,
} from './retry/retry-policy.js';
export type { RetryPolicy, RandomSource, OutcomeClass } from './retry/retry-policy.js';

// fraud
export type { FraudSignal, FraudContext, FraudConfig, FraudRule } from './fraud/fraud-rule.js';
export {
  FRAUD_RULE_NAMES,
  DEFAULT_FRAUD_CONFIG,
  DEFAULT_FRAUD_RULES,
  blocklistedCard,
  amountLimit,
  userVelocity,
  cardShared,
  newAccountHighValue,
} from './fraud/default-rules.js';
export type { FraudRuleName } from './fraud/default-rules.js';
export {
  FRAUD_VERDICTS,
  fraudVerdict,
  assessFraud,
  fraudRejectedError,
} from './fraud/assess-fraud.js';
export type { FraudVerdict, FraudAssessment } from './fraud/assess-fraud.js';

// gateway
export {
  CARD_BRANDS,
  INVALID_CARD_REASONS,
  normalizeCardNumber,
  passesLuhn,
  detectCardBrand,
  isCardExpired,
  validateCard,
} from './gateway/card-validation.js';
export type {
  CardBrand,
  InvalidCardReason,
  CardInput,
  CardSummary,
} from './gateway/card-validation.js';
export {
  TEST_CARDS,
  CARD_PROFILES,
  cardProfileOf,
  simulateGatewayAttempt,
  simulateTokenizedAttempt,
  simulateRefundAttempt,
  gatewayReference,
} from './gateway/card-simulator.js';
export type {
  GatewayOutcome,
  GatewayCode,
  DeclineCode,
  TransientCode,
  AttemptOutcome,
  SimulatorNoise,
  GatewayAttemptInput,
  TokenizedAttemptInput,
  RefundAttemptInput,
  RefundGatewayOutcome,
  CardProfile,
} from './gateway/card-simulator.js';

// ledger
export {
  LEDGER_ACCOUNTS,
  JOURNAL_ENTRY_KINDS,
  UNBALANCED_REASONS,
  findImbalance,
  buildJournalEntry,
  entryReference,
  buildCaptureEntry,
  buildRefundEntry,
  entryAmount,
} from './ledger/journal.js';
export type {
  JournalEntryKind,
  Posting,
  JournalEntryRecord,
  JournalEntry,
  UnbalancedReason,
} from './ledger/journal.js';
export {
  GENESIS_HASH,
  attemptChainRecord,
  journalChainRecord,
  refundAttemptChainRecord,
  chainHash,
  appendChainLink,
  buildChain,
  chainHeadOf,
  appendToPaymentChain,
} from './ledger/hash-chain.js';
export type {
  AttemptChainRecord,
  RefundAttemptChainRecord,
  JournalChainRecord,
  ChainRecord,
  ChainLink,
  PaymentChain,
} from './ledger/hash-chain.js';
export { LEDGER_PROBLEM_CODES } from './ledger/ledger-report.js';
export type {
  LedgerProblemCode,
  LedgerProblem,
  LedgerPayment,
  LedgerRefund,
  LedgerPurchase,
  LedgerSnapshot,
  LedgerReport,
} from './ledger/ledger-report.js';
export { verifyLedger } from './ledger/verify.js';
export { assembleLedgerSnapshot } from './ledger/ledger-snapshot.js';
export type { StoredLedger } from './ledger/ledger-snapshot.js';

// idempotency
export {
  IDEMPOTENCY_KEY_MAX_LENGTH,
  IDEMPOTENCY_RETENTION_MS,
  isValidIdempotencyKey,
  requestFingerprint,
  decideIdempotency,
} from './idempotency/idempotency.js';
export type { IdempotencyRecord, IdempotencyDecision } from './idempotency/idempotency.js';

// events
export {
  AGGREGATE_TYPES,
  CANCELLATION_REASONS,
  EVENT_TYPES,
  aggregateOf,
  isEventType,
  orderEventType,
  paymentEventTypes,
  refundEventTypes,
} from './events/event-types.js';
export type { AggregateType, CancellationReason, EventType } from './events/event-types.js';
export { previousValues } from './events/previous-values.js';
export {
  lastVersions,
  orderEventCount,
  paymentEventCount,
  refundEventCount,
} from './events/event-versions.js';

// webhooks
export {
  DEFAULT_WEBHOOK_SCHEDULE,
  WEBHOOK_JITTER,
  maxDeliveryAttempts,
  nextDeliveryAt,
  parseWebhookSchedule,
} from './webhooks/retry-schedule.js';
export type { WebhookRandom } from './webhooks/retry-schedule.js';
export {
  DEFAULT_WEBHOOK_DISABLE_AFTER,
  WEBHOOK_DELIVERY_STATUSES,
  isSuccessStatus,
  planRedelivery,
  settleDelivery,
} from './webhooks/settle-delivery.js';
export type {
  WebhookAttemptOutcome,
  DeliverySettlement,
  RedeliveryPlan,
  RedeliveryTarget,
  SettleInput,
  WebhookDeliveryStatus,
} from './webhooks/settle-delivery.js';
export { wantsEvent } from './webhooks/wants-event.js';
export { checkWebhookUrl, isForbiddenAddress } from './webhooks/ssrf.js';
export type { WebhookUrlError } from './webhooks/ssrf.js';
