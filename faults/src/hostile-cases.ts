import fc from 'fast-check';
import type { Fixtures, Procedure } from './hostile-procedures.js';
import { describeRequest } from './hostile-http.js';
import {
  judge,
  toRequest,
  type Category,
  type HostileCase,
  type Refusal,
} from './hostile-request.js';
import { badTokens, headerText, type TokenChoice, type TokenFacts } from './hostile-tokens.js';
import { hostileInputs, hostileSegments, writeJson, type JsonTree } from './hostile-values.js';
import { framings, poisoned, type Framing } from './hostile-poisons.js';

/** The good tokens the set-up obtained, one per kind of caller. */
export interface GoodTokens {
  readonly owner: string;
  readonly other: string;
  readonly admin: string;
}

/** A case with what the oracle said of it; prints as a reproduction recipe when it fails. */
export interface JudgedCase {
  readonly case: HostileCase;
  readonly refusal: Refusal | undefined;
}

export interface CaseWorld {
  readonly procedures: readonly Procedure[];
  readonly fixtures: Fixtures;
  readonly tokens: GoodTokens;
  readonly tokenFacts: TokenFacts;
}

export const bearer = (caller: 'owner' | 'other' | 'admin', token: string): TokenChoice => ({
  caller,
  label: caller,
  authorization: `Bearer ${token}`,
});
export const anonymous: TokenChoice = { caller: 'anonymous', label: 'none' };

/**
 * The arbitraries of each category. Every case is judged by the oracle; a mutation it cannot
 * prove must be refused is dropped (it might legitimately write), so whatever a mutation case
 * reaches, the database must come out unchanged.
 */
export function caseArbitraries(world: CaseWorld): Record<Category, fc.Arbitrary<JudgedCase>> {
  const { procedures, fixtures } = world;
  const good = {
    owner: bearer('owner', world.tokens.owner),
    other: bearer('other', world.tokens.other),
    admin: bearer('admin', world.tokens.admin),
  };
  const bad = badTokens(world.tokenFacts);
  const rightful = (p: Procedure): TokenChoice =>
    p.facts.access === 'public' ? anonymous : p.facts.access === 'admin' ? good.admin : good.owner;
  const anyToken = fc.oneof(fc.constantFrom(anonymous, good.owner, good.other, good.admin), bad);
  const mostlyRightful = (p: Procedure) =>
    fc.oneof(
      { weight: 4, arbitrary: fc.constant(rightful(p)) },
      { weight: 1, arbitrary: anyToken },
    );

  const transports = fc.constantFrom<'trpc' | 'rest'>('trpc', 'rest');
  const idempotencyHeaders = fc.option(
    fc.oneof(
      fc.constantFrom(
        '',
        ' ',
        'hostile-pay',
        'x'.repeat(256),
        'x'.repeat(20_000),
        'x'.repeat(100_000),
      ),
      headerText(300),
    ),
    { freq: 3, nil: undefined },
  );
  const hostileSegmentsFor = (p: Procedure) =>
    pathParams(p).length === 0
      ? fc.constant({})
      : fc.oneof(
          { weight: 3, arbitrary: fc.constant({}) },
          {
            weight: 1,
            arbitrary: fc.dictionary(fc.constantFrom(...pathParams(p)), hostileSegments, {
              maxKeys: 1,
            }),
          },
        );
  const validText = (p: Procedure) => {
    const valid = p.facts.valid?.(fixtures);
    return valid === undefined ? undefined : writeJson(valid);
  };

  /** Cases of one category for the procedures given, judged, with the unprovable dropped. */
  const category = (
    name: Category,
    among: readonly Procedure[],
    parts: (p: Procedure) => {
      token: fc.Arbitrary<TokenChoice>;
      input: fc.Arbitrary<string | undefined>;
      framing?: fc.Arbitrary<Framing>;
      foreign?: boolean;
    },
  ) =>
    fc
      .constantFrom(...among)
      .chain((p) => {
        const { token, input, framing, foreign = false } = parts(p);
        return fc
          .record({
            token,
            input,
            framing: framing ?? fc.constant(undefined),
            transport: transports,
            idempotencyHeader: idempotencyHeaders,
            segments: foreign ? fc.constant({}) : hostileSegmentsFor(p),
          })
          .map((drawn): HostileCase => ({ category: name, procedure: p, foreign, ...drawn }));
      })
      .map((c) => judgedCase(c, judge(c, procedures)))
      .filter(({ case: c, refusal }) => c.procedure.type === 'query' || refusal !== undefined);

  const writeInput = (tree: JsonTree | undefined) =>
    tree === undefined ? undefined : writeJson(tree);
  return {
    'garbage input': category('garbage input', procedures, (p) => ({
      token: mostlyRightful(p),
      input: hostileInputs.map(writeInput),
    })),
    'poisoned field': category(
      'poisoned field',
      procedures.filter((p) => p.facts.valid),
      (p) => ({
        token: mostlyRightful(p),
        input: poisoned(p.facts.valid?.(fixtures) ?? {}, p.facts.storedText ?? []).map(writeJson),
      }),
    ),
    'foreign ids': category(
      'foreign ids',
      procedures.filter((p) => p.facts.foreign),
      (p) => ({
        token: fc.oneof(
          { weight: 3, arbitrary: fc.constant(rightful(p)) },
          { weight: 1, arbitrary: fc.constantFrom(good.owner, good.other, good.admin) },
        ),
        input: (p.facts.foreign?.(fixtures) ?? fc.constant({})).map(writeJson),
        foreign: true,
      }),
    ),
    'bad token': category(
      'bad token',
      procedures.filter((p) => p.facts.access !== 'public'),
      (p) => ({ token: bad, input: fc.constant(validText(p)) }),
    ),
    'malformed body': category('malformed body', procedures, (p) => ({
      token: fc.constant(rightful(p)),
      input: fc.constant(undefined),
      framing: framings(validText(p) ?? '{}'),
    })),
  };
}

function judgedCase(c: HostileCase, refusal: Refusal | undefined): JudgedCase {
  return {
    case: c,
    refusal,
    // fast-check prints counterexamples with this: a recipe, not a 2 MB string.
    [fc.toStringMethod]: () =>
      `${c.category} · ${c.procedure.path} over ${c.transport} · token ${c.token.label} · ` +
      `refusal ${refusal ?? 'none'}\n  ${describeRequest(toRequest(c))}`,
  } as JudgedCase;
}

function pathParams(p: Procedure): string[] {
  return Array.from(p.rest.path.matchAll(/\{(\w+)\}/g), (match) => match[1] ?? '');
}
