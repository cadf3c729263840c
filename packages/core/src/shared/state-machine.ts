/**
 * A state machine as data: for each state, the states it may move to. Both the order and the
 * payment machines are such tables, checked by this one function.
 */
export type TransitionTable<S extends string> = { readonly [From in S]: readonly S[] };

/** True when `table` allows `from → to`. */
export function isAllowedTransition<S extends string>(
  table: TransitionTable<S>,
  from: S,
  to: S,
): boolean {
  return table[from].includes(to);
}
