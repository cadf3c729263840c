import { z } from 'zod';

/**
 * Input fields shared by the catalogue, inventory and order procedures. Every one is bounded, so
 * nothing a client sends can reach the database as a value it would reject with a 500 (a
 * malformed uuid is 22P02, an oversized integer 22003).
 */

/** The products_sku_format CHECK, applied after trimming and upper-casing. */
export const SKU_PATTERN = /^[A-Z0-9][A-Z0-9_-]{0,63}$/;

export const sku = z
  .string()
  .trim()
  .toUpperCase()
  .regex(SKU_PATTERN, 'a SKU is 1–64 of A–Z, 0–9, "_" and "-", starting with a letter or digit');

/** An id the server issued (orders are v4 uuids). */
export const id = z.uuid();
