import { ProductSchema } from './catalogue/product.entity.js';
import { IdempotencyKeySchema } from './idempotency/idempotency-key.entity.js';
import { StockMovementSchema } from './inventory/stock-movement.entity.js';
import { OrderEventSchema, OrderLineSchema, OrderSchema } from './orders/order.entity.js';
import { UserSchema } from './users/user.entity.js';

/** Every entity schema the ORM knows. */
export const entities = [
  UserSchema,
  ProductSchema,
  OrderSchema,
  OrderLineSchema,
  OrderEventSchema,
  StockMovementSchema,
  IdempotencyKeySchema,
];
