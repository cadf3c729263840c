/**
 * Branded identifiers. At runtime they are plain strings; the brand only stops an `OrderId` from
 * being passed where a `PaymentId` is expected. The constructors are the one place a raw string
 * becomes an id, so they refuse the empty string (a caller bug, hence a throw).
 */
export type Brand<T, B extends string> = T & { readonly __brand: B };

export type UserId = Brand<string, 'UserId'>;
export type OrderId = Brand<string, 'OrderId'>;
export type PaymentId = Brand<string, 'PaymentId'>;
export type ProductId = Brand<string, 'ProductId'>;
export type Sku = Brand<string, 'Sku'>;
export type RefundId = Brand<string, 'RefundId'>;

function nonEmpty(value: string, kind: string): string {
  if (value.length === 0) throw new TypeError(`${kind} must not be empty`);
  return value;
}

/** Brands a string as a {@link UserId}; throws on the empty string. */
export const asUserId = (value: string): UserId => nonEmpty(value, 'UserId') as UserId;
/** Brands a string as an {@link OrderId}; throws on the empty string. */
export const asOrderId = (value: string): OrderId => nonEmpty(value, 'OrderId') as OrderId;
/** Brands a string as a {@link PaymentId}; throws on the empty string. */
export const asPaymentId = (value: string): PaymentId => nonEmpty(value, 'PaymentId') as PaymentId;
/** Brands a string as a {@link ProductId}; throws on the empty string. */
export const asProductId = (value: string): ProductId => nonEmpty(value, 'ProductId') as ProductId;
/** Brands a string as a {@link Sku}; throws on the empty string. */
export const asSku = (value: string): Sku => nonEmpty(value, 'Sku') as Sku;
/** Brands a string as a {@link RefundId}; throws on the empty string. */
export const asRefundId = (value: string): RefundId => nonEmpty(value, 'RefundId') as RefundId;
