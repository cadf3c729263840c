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

/** The products_sku_format CHECK, applied after trimming and upper-casing. */
export const SKU_PATTERN = /^[A-Z0-9][A-Z0-9_-]{0,63}$/;

export const sku = text()
  .trim()
  .toUpperCase()
  .regex(SKU_PATTERN, 'a SKU is 1–64 of A–Z, 0–9, "_" and "-", starting with a letter or digit');

/** An id the server issued (orders are v4 uuids). */
export const id = z.uuid();
