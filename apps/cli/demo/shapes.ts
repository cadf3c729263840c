/**
 * The parts of the API's JSON (DESIGN §3) the demo checks. Written out here rather than imported:
 * the demo reads `ordersctl --json` output as any script would, so it holds the CLI to the
 * documented shapes rather than to whatever the types say today.
 */
export interface Product {
  readonly sku: string;
  readonly onHand: number;
  readonly reserved: number;
  readonly available: number;
}

export interface Payment {
  readonly id: string;
  readonly status: string;
  readonly failureCode: string | null;
  readonly fraud: {
    readonly verdict: string;
    readonly signals: readonly { readonly rule: string }[];
  };
  readonly attempts: readonly { readonly number: number; readonly outcome: string }[];
  readonly order: { readonly status: string };
  readonly refundedCents: number;
  readonly refunds: readonly Refund[];
}

export interface Order {
  readonly id: string;
  readonly status: string;
}

export interface Refund {
  readonly id: string;
  readonly amountCents: number;
  readonly status: string;
  readonly restock: readonly { readonly sku: string; readonly quantity: number }[];
}

export interface OrderLedger {
  readonly payment: Payment | null;
  readonly entries: readonly {
    readonly kind: string;
    readonly postings: readonly { readonly account: string; readonly amountCents: number }[];
  }[];
}
