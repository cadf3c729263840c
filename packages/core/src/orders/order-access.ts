import { domainError, type DomainErrorOf } from '../shared/domain-error.js';
import { asOrderId, type UserId } from '../shared/ids.js';
import { err, ok, type Result } from '../shared/result.js';

/** What an order's owner can be read from: the order (or its header), or a row loaded with it. */
type Owned = { readonly userId: UserId } | { readonly order: { readonly userId: UserId } };

/**
 * Who asks for which order. `isAdmin` is for the operations that let an admin reach every order
 * (reading a payment, its ledger, its refunds); what a customer does as the customer — reading the
 * order as theirs, paying it, cancelling it — is for the owner alone, so those leave it out.
 */
export interface OrderRequest {
  readonly orderId: string;
  readonly userId: string;
  readonly isAdmin?: boolean | undefined;
}

/**
 * Who may reach an order: its owner, or an admin where the request allows one. Anyone else gets
 * ORDER.NOT_FOUND, exactly as for an order that does not exist (`found` null) and never FORBIDDEN,
 * so an id reveals nothing about other users' orders. `found` is the order, or what the use case
 * loaded with it (`{ order, … }`), handed back as it came.
 */
export function checkOrderAccess<F extends Owned>(
  found: F | null,
  request: OrderRequest,
): Result<F, DomainErrorOf<'ORDER.NOT_FOUND'>> {
  if (found !== null) {
    const owned: Owned = found;
    const owner = 'order' in owned ? owned.order.userId : owned.userId;
    if (owner === request.userId || request.isAdmin === true) return ok(found);
  }
  return err(domainError('ORDER.NOT_FOUND', { orderId: asOrderId(request.orderId) }));
}
