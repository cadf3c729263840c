/**
 * A statement to send: SQL with `?` placeholders and the values they bind (never spliced in).
 * `refusal` marks a guarded write (see {@link guarded}): what its guard refusing means, by the
 * reason its `orders_assert` gave.
 */
export interface Statement<R = never> {
  readonly sql: string;
  readonly params: readonly unknown[];
  readonly refusal?: (reason: string) => R | undefined;
}

/** A plain statement: a failure of it is a fault or a bug, and throws. */
export function statement(sql: string, params: readonly unknown[] = []): Statement {
  return { sql, params };
}

/**
 * A write that the database refuses by itself when its condition does not hold — the rule's
 * enforcement under concurrency (a short stock line, a lease lost to another driver, a product
 * that exists already). The statement does its writes in CTEs and ends with
 * `select orders_assert(<condition>, ?)` (its last parameter, a message for logs), so a refusal
 * fails the statement itself: nothing sent after it in the transaction, COMMIT included, can
 * commit around it. A transaction hands the refusal back as `refusal`, a value, not an exception
 * (see `Tx.run` and `Tx.commitWith`).
 */
export function guarded<R>(sql: string, params: readonly unknown[], refusal: R): Statement<R> {
  if (!/orders_assert\([\s\S]*\?\)\s*$/.test(sql)) {
    throw new Error('a guarded statement must end with orders_assert(<condition>, ?)');
  }
  return { sql, params, refusal: () => refusal };
}

/**
 * A guarded write that can be refused for more than one reason: its SQL fails with
 * `orders_assert(false, '<reason>')`, each reason a key of `refusals`, and the transaction hands
 * back that reason's refusal. A reason not among them is a bug, and throws.
 */
export function guardedFor<R>(
  sql: string,
  params: readonly unknown[],
  refusals: Readonly<Record<string, R>>,
): Statement<R> {
  const reasons = Object.keys(refusals);
  if (reasons.length === 0 || reasons.some((r) => !sql.includes(`orders_assert(false, '${r}')`))) {
    throw new Error(
      "a guarded statement must fail with orders_assert(false, '<reason>') per reason",
    );
  }
  return {
    sql,
    params,
    refusal: (reason) => (Object.hasOwn(refusals, reason) ? refusals[reason] : undefined),
  };
}
