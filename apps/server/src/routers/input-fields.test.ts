import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { appRouter } from '../router.js';
import { sku, text } from './input-fields.js';

const NUL_MESSAGE = 'must not contain a NUL character';

/** The parts of a zod schema's definition that lead to the schemas inside it. */
interface Def {
  readonly type: string;
  readonly format?: string;
  readonly shape?: Readonly<Record<string, z.ZodType>>;
  readonly innerType?: z.ZodType;
  readonly element?: z.ZodType;
  readonly in?: z.ZodType;
  readonly out?: z.ZodType;
  readonly options?: readonly z.ZodType[];
}

const defOf = (schema: z.ZodType) => schema._zod.def as unknown as Def;

/** Every string schema inside `schema`, with where it sits (`items[].sku`). */
function stringFields(schema: z.ZodType, at: string): { at: string; schema: z.ZodType }[] {
  const def = defOf(schema);
  if (def.type === 'string') return [{ at, schema }];
  const inner = [
    ...Object.entries(def.shape ?? {}).map(([key, field]) => [`${at}.${key}`, field] as const),
    ...[def.innerType, def.in, def.out].map((field) => [at, field] as const),
    [`${at}[]`, def.element] as const,
    ...(def.options ?? []).map((option) => [at, option] as const),
  ];
  return inner.flatMap(([path, field]) => (field ? stringFields(field, path) : []));
}

/** The router's procedures by path (`auth.signup`), each with its input schemas. */
const procedures = appRouter._def.procedures as unknown as Record<
  string,
  { _def: { inputs: z.ZodType[] } }
>;
const procedureInputs = Object.entries(procedures).flatMap(([path, procedure]) =>
  procedure._def.inputs.map((input) => ({ path, input })),
);

describe('text()', () => {
  it('refuses a NUL anywhere in the string, with a message naming it', () => {
    for (const value of ['\u0000', 'a\u0000', '\u0000a', 'a\u0000b']) {
      const result = text().safeParse(value);
      expect(result.error?.issues.map((issue) => issue.message)).toEqual([NUL_MESSAGE]);
    }
  });

  it('accepts any other text, control characters and lone surrogates included', () => {
    for (const value of ['', 'Ann', '\u0001\u001f', '\ud800', 'ß 漢字 🙂']) {
      expect(text().safeParse(value).success).toBe(true);
    }
  });

  it('keeps refusing NUL under the rules chained after it', () => {
    const result = sku.safeParse('MUG-01\u0000');
    expect(result.error?.issues.map((issue) => issue.message)).toContain(NUL_MESSAGE);
  });
});

describe('the input of every procedure', () => {
  it('refuses NUL in every string field, by the text() rule or by a format that excludes it', () => {
    const fields = procedureInputs.flatMap(({ path, input }) => stringFields(input, path));
    // Guards the walk itself: it must find the fields, not vacuously pass.
    expect(fields.map((field) => field.at)).toEqual(
      expect.arrayContaining([
        'auth.signup.name',
        'inventory.adjust.reason',
        'orders.create.items[].sku',
        'orders.create.idempotencyKey',
        'payments.pay.paymentMethod.cvc',
      ]),
    );
    for (const { at, schema } of fields) {
      const issues = schema.safeParse('x\u0000').error?.issues ?? [];
      const refusedByFormat = defOf(schema).format !== undefined && issues.length > 0;
      expect(
        refusedByFormat || issues.some((issue) => issue.message === NUL_MESSAGE),
        `${at} accepts NUL`,
      ).toBe(true);
    }
  });
});
