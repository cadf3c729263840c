import { z } from 'zod';

/**
 * Input fields shared by the procedures. Every one is bounded, so nothing a client sends can
 * reach the database as a value it would reject with a 500 (a malformed uuid is 22P02, an
 * oversized integer 22003, a NUL in text 22021).
 */

const NUL = '\u0000';

/**
 * Every string a procedure accepts starts here (lint refuses a bare `z.string()` in the
 * routers). PostgreSQL cannot store NUL (U+0000) in text, and no field means anything by it, so
 * it is refused at validation, as a field problem, before any work — whatever the field.
 */
export const text = () =>
  z.string().refine((value) => !value.includes(NUL), 'must not contain a NUL character');

/** The products_sku_format CHECK: a SKU as it is stored. */
export const SKU_PATTERN = /^[A-Z0-9][A-Z0-9_-]{0,63}$/;

/**
 * A SKU as a client may send it: the stored form in either case, with surrounding whitespace.
 * The raw value is checked against this before it is trimmed and upper-cased, so the pattern the
 * OpenAPI document publishes (zod's own) is the very check the server applies. Checked after
 * upper-casing instead, the published pattern would be stricter than the server, and the server
 * would take `ſ`, `ı` or `ﬀ`, which upper-case into ASCII letters.
 */
export const SKU_INPUT_PATTERN = /^\s*[A-Za-z0-9][A-Za-z0-9_-]{0,63}\s*$/;

export const sku = text()
  .regex(
    SKU_INPUT_PATTERN,
    'a SKU is 1–64 of A–Z, 0–9, "_" and "-", starting with a letter or digit',
  )
  .trim()
  .toUpperCase();

/** An id the server issued (orders are v4 uuids). */
export const id = z.uuid();
