import { ORDER_STATUSES } from '@orders/core';
import { USER_ROLES } from '@orders/db';
import { z } from 'zod';

/**
 * What the user, catalogue and order procedures return (DESIGN §3), for tRPC's `.output()` and
 * the OpenAPI document. They mirror presenters.ts field for field — TypeScript refuses a presenter
 * that drifts — and stay deliberately plain (no formats, no refinements): tRPC checks every
 * response against them, so each check is CPU on every request.
 */

/** An instant, as every time field is sent. */
export const isoTime = z
  .string()
  .meta({ format: 'date-time', examples: ['2025-06-01T12:00:00.000Z'] });
const id = z.string().meta({ format: 'uuid', examples: ['7f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f'] });
const cents = z.int().meta({ description: 'Integer minor units (cents)' });

export const userOutput = z
  .object({
    id,
    email: z.string(),
    name: z.string(),
    role: z.enum(USER_ROLES),
    createdAt: isoTime,
  })
  .meta({
    examples: [
      {
        id: '0b7e3f4a-1c2d-4e5f-8a9b-0c1d2e3f4a5b',
        email: 'ann@example.com',
        name: 'Ann',
        role: 'CUSTOMER',
        createdAt: '2025-06-01T12:00:00.000Z',
      },
    ],
  });

export const sessionOutput = z.object({
  accessToken: z.string().meta({ description: 'Send as `Authorization: Bearer <token>`' }),
  tokenType: z.literal('Bearer'),
  expiresAt: isoTime,
  user: userOutput,
});

export const productOutput = z
  .object({
    sku: z.string(),
    name: z.string(),
    priceCents: cents,
    currency: z.string(),
    onHand: z.int(),
    reserved: z.int(),
    available: z.int(),
  })
  .meta({
    examples: [
      {
        sku: 'MUG-01',
        name: 'Coffee mug',
        priceCents: 1250,
        currency: 'USD',
        onHand: 10,
        reserved: 2,
        available: 8,
      },
    ],
  });

export const productListOutput = z.array(productOutput);

const orderLine = z.object({
  sku: z.string(),
  name: z.string(),
  quantity: z.int(),
  unitPriceCents: cents,
  lineTotalCents: cents,
});

export const orderOutput = z
  .object({
    id,
    status: z.enum(ORDER_STATUSES),
    currency: z.string(),
    totalCents: cents,
    lines: z.array(orderLine),
    createdAt: isoTime,
    expiresAt: isoTime,
  })
  .meta({
    examples: [
      {
        id: '7f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f',
        status: 'PENDING',
        currency: 'USD',
        totalCents: 2500,
        lines: [
          {
            sku: 'MUG-01',
            name: 'Coffee mug',
            quantity: 2,
            unitPriceCents: 1250,
            lineTotalCents: 2500,
          },
        ],
        createdAt: '2025-06-01T12:00:00.000Z',
        expiresAt: '2025-06-01T12:15:00.000Z',
      },
    ],
  });

export const orderPageOutput = z.object({
  items: z.array(orderOutput),
  nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page' }),
});
