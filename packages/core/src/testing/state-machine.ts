// Walks a transition table, for the state machine tests.
import type { TransitionTable } from '../shared/state-machine.js';

/** Every state reachable from `start` (breadth-first), `start` included. */
export function reachableStates<S extends string>(table: TransitionTable<S>, start: S): Set<S> {
  const reached = new Set<S>([start]);
  const queue: S[] = [start];
  for (let state = queue.shift(); state !== undefined; state = queue.shift()) {
    for (const next of table[state]) {
      if (!reached.has(next)) {
        reached.add(next);
        queue.push(next);
      }
    }
  }
  return reached;
}

/** Every (from, to) pair over the given states, the same-state pairs included. */
export function allPairs<S extends string>(states: readonly S[]): (readonly [S, S])[] {
  return states.flatMap((from) => states.map((to) => [from, to] as const));
}
