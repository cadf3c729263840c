import type { TokenSubject } from '../auth/jwt.js';

/**
 * Who reads which events (DESIGN §2 Events): an admin reads them all; a customer only those
 * owned by them (their orders, payments and refunds — never a product's, which has no owner).
 * The owner to filter on, or undefined for all.
 */
export function ownerFilterFor(reader: TokenSubject): string | undefined {
  return reader.role === 'ADMIN' ? undefined : reader.userId;
}
