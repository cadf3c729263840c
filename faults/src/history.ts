/** An idempotency key still held by a request that is running (or died): ask again later. */
export const IN_PROGRESS = 'IDEMPOTENCY.IN_PROGRESS';

/**
 * What a client asked for. `createOrderKeyless` is `orders.create` sent without an idempotency
 * key (the path the server's catalogue memory serves): kept apart from `createOrder` because
 * nothing ties a repeat of it to the first call, so it is never retried and each one stands for
 * at most one order of its own. `refund` is the admin's `refunds.create` (always keyed);
 * `listRefunds` its `refunds.list`, polled for one refund until it is final. `cancelOrder` is a
 * customer's `orders.cancel` of an order it chose not to pay (sent once, never retried).
 */
export type OpKind =
  | 'createOrder'
  | 'createOrderKeyless'
  | 'cancelOrder'
  | 'pay'
  | 'getPayment'
  | 'refund'
  | 'listRefunds';

/**
 * `unknown`: the client timed out, lost the connection or got a 5xx — the server may or may not
 * have done it. `error` is a definite refusal (a 4xx with a domain code).
 */
export type OpResult = 'ok' | 'error' | 'unknown';

/** `refundFails` pays like `approve`, but every refund of its payments FAILs (`refund_failed`). */
export type CardKind = 'approve' | 'flaky' | 'decline' | 'refundFails';

/**
 * What a refund request asks for, in a refund plan (`refund-plans.ts`): `full` all of the
 * capture, `partial` a part, `rest` what a `partial` left (sent once that one is final), `racer`
 * one of several partial refunds of one order sent at once, which the cap must keep within it.
 */
export type RefundKind = 'full' | 'partial' | 'rest' | 'racer';

/** One client call, as Jepsen records it: invocation, completion, and what came back. */
export interface Operation {
  readonly client: string;
  /** The server instance the call went to. */
  readonly instance: number;
  readonly op: OpKind;
  /** The idempotency key (createOrder, pay, refund); null for reads and `createOrderKeyless`. */
  readonly key: string | null;
  readonly input: {
    readonly sku?: string;
    /** Units of `sku` the order asked for (createOrder, createOrderKeyless). */
    readonly quantity?: number;
    readonly orderId?: string;
    readonly card?: CardKind;
    /** refund: the amount asked for; null for "all that is still refundable". */
    readonly amountCents?: number | null;
    /** refund: units of the order's line to put back on the shelf. */
    readonly restock?: number;
    readonly refund?: RefundKind;
    /** listRefunds: the refund polled for. */
    readonly refundId?: string;
    readonly timeoutMs: number;
  };
  /** Milliseconds since the run started. */
  readonly start: number;
  readonly end: number;
  readonly result: OpResult;
  /**
   * The order (createOrder, createOrderKeyless, cancelOrder), payment (pay, getPayment) or refund (refund,
   * listRefunds: the one polled for; status `ABSENT` if the list lacked it) returned.
   */
  readonly value?: { readonly id: string; readonly status: string };
  /** The domain code of an `error`; the reason of an `unknown`. */
  readonly errorCode?: string;
}

export type FaultKind =
  | 'kill-9'
  | 'postgres-stop-fast'
  | 'postgres-stop-immediate'
  | 'terminate-backends'
  | 'nats-stop'
  | FailoverFault;

/**
 * The failover scenario's faults on a pg_auto_failover pair: a planned failover, the primary
 * node lost (its keeper and postmaster killed -9), the primary's postmaster alone killed -9, the
 * standby stopped (and started again).
 */
export type FailoverFault =
  'planned-failover' | 'primary-node-lost' | 'primary-postmaster-killed' | 'standby-stopped';

/**
 * When a kill -9 was aimed: at a random moment, or at a payment or refund the database showed in
 * a state.
 */
export type KillMoment = 'random' | 'between-attempts' | 'after-approval' | 'refund-approval';

export type RecoveryKind =
  | 'instance-restart'
  | 'postgres-start'
  | 'nats-start'
  /** A lost or stopped pg_auto_failover node run again (`pg_autoctl run`). */
  | 'node-run-again'
  /** A primary and a secondary again, as the monitor sees them. */
  | 'pair-again';

/** What the nemesis did: a fault it injected, or a recovery it performed after one. */
export type NemesisEvent =
  | {
      readonly type: 'fault';
      readonly kind: FaultKind;
      readonly at: number;
      readonly detail: string;
    }
  | {
      readonly type: 'recovery';
      readonly kind: RecoveryKind;
      readonly at: number;
      readonly detail: string;
    };

/** The run's record: every client operation, fault and recovery, timed from one origin. */
export class History {
  readonly operations: Operation[] = [];
  readonly nemesis: NemesisEvent[] = [];
  private readonly origin = Date.now();
  /** For each idempotency key, the instances its calls went to, as they were sent. */
  private readonly sentTo = new Map<string, number[]>();

  /** Milliseconds since the run started. */
  now(): number {
    return Date.now() - this.origin;
  }

  /** Notes a keyed call as it is sent, before its outcome is known. */
  sending(key: string | null, instance: number): void {
    if (key === null) return;
    const instances = this.sentTo.get(key) ?? [];
    instances.push(instance);
    this.sentTo.set(key, instances);
  }

  /** The instances the calls with `key` have gone to so far, answered or not. */
  instancesSentTo(key: string): readonly number[] {
    return this.sentTo.get(key) ?? [];
  }

  record(operation: Operation): void {
    this.operations.push(operation);
  }

  fault(kind: FaultKind, detail: string): void {
    this.nemesis.push({ type: 'fault', kind, at: this.now(), detail });
  }

  recovered(kind: RecoveryKind, detail: string): void {
    this.nemesis.push({ type: 'recovery', kind, at: this.now(), detail });
  }

  /** The operations that used `key`, in invocation order. */
  byKey(): Map<string, Operation[]> {
    const keyed = new Map<string, Operation[]>();
    for (const operation of this.operations) {
      if (operation.key === null) continue;
      const list = keyed.get(operation.key) ?? [];
      list.push(operation);
      keyed.set(operation.key, list);
    }
    return keyed;
  }
}

/** An answer that settles its key: done, or refused for good (not "still in progress"). */
export function settlesKey(operation: Operation): boolean {
  return (
    operation.result === 'ok' ||
    (operation.result === 'error' && operation.errorCode !== IN_PROGRESS)
  );
}

/** Whether a call of kind `op` timed out at the client and a later call with its key settled it. */
export function timedOutThenSettled(history: History, op: OpKind): boolean {
  return [...history.byKey().values()].some((operations) => {
    const timeout = operations.findIndex((o) => o.op === op && o.errorCode === 'timeout');
    return timeout >= 0 && operations.slice(timeout + 1).some(settlesKey);
  });
}

/** A key no answer settled: what first left it open, and the last answer it got. */
export interface OpenKey {
  readonly key: string;
  readonly op: string;
  readonly firstUnknown: string;
  readonly lastAnswer: string;
}

/**
 * Keys that had an unknown outcome, split by whether a later answer settled them. A keyless
 * create has no key to retry with, so its unknown outcomes are never counted here.
 */
export function unknownKeys(history: History): { settled: number; open: OpenKey[] } {
  const withUnknown = [...history.byKey().values()].filter((ops) =>
    ops.some((o) => o.result === 'unknown'),
  );
  const open = withUnknown.filter((ops) => !ops.some(settlesKey));
  return { settled: withUnknown.length - open.length, open: open.map(describeOpenKey) };
}

function describeOpenKey(operations: readonly Operation[]): OpenKey {
  const first = operations.find((o) => o.result === 'unknown');
  const last = operations[operations.length - 1];
  return {
    key: last?.key ?? '',
    op: last?.op ?? '',
    firstUnknown: first?.errorCode ?? '',
    lastAnswer: `${last?.result ?? ''} ${last?.errorCode ?? ''}`.trim(),
  };
}

/** The orders.create calls sent without an idempotency key, in invocation order. */
export function keylessCreates(history: History): Operation[] {
  return history.operations.filter((o) => o.op === 'createOrderKeyless');
}

/** Counts of `items` by a label, e.g. `{ ok: 3, unknown: 1 }`. */
export function countBy<T>(items: Iterable<T>, label: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) {
    const name = label(item);
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}
