import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { countProducts } from '@orders/db';
import { z } from 'zod';
import type { AppServices } from './trpc/context.js';
import { bootstrapAdmin } from './use-cases/bootstrap-admin.js';
import { upsertInventory } from './use-cases/upsert-inventory.js';

const DEMO_ADMIN_FILE = 'demo-admin.json';
const DEMO_ADMIN_EMAIL = 'admin@orders.local';
const demoAdminSchema = z.object({ email: z.email(), password: z.string().min(8) });

export interface DemoAdmin {
  readonly email: string;
  readonly password: string;
  /** Where the credentials are kept (mode 0600). */
  readonly file: string;
  /** True on the start that created it: the only time the password is printed. */
  readonly created: boolean;
}

/**
 * Development only: an admin to try the system with. Its random password is generated on the
 * first start, printed that once, and kept in the data dir for later.
 */
export async function ensureDemoAdmin(services: AppServices): Promise<DemoAdmin> {
  const file = join(services.config.dataDir, DEMO_ADMIN_FILE);
  const stored = demoAdminSchema.safeParse(
    await readFile(file, 'utf8').then(JSON.parse, () => undefined),
  );
  const credentials = stored.success
    ? stored.data
    : { email: DEMO_ADMIN_EMAIL, password: randomBytes(12).toString('base64url') };
  if (!stored.success) {
    await writeFile(file, `${JSON.stringify(credentials)}\n`, { mode: 0o600 });
  }
  await bootstrapAdmin(
    { em: services.orm.em.fork(), now: services.now() },
    {
      ...credentials,
      name: 'Demo admin',
    },
  );
  return { ...credentials, file, created: !stored.success };
}

/** The development catalogue: prices in cents, a few dozen to a couple of hundred of each. */
const DEMO_CATALOGUE = [
  { sku: 'KEYBOARD-01', name: 'Mechanical keyboard', priceCents: 8_999, onHand: 60 },
  { sku: 'MOUSE-01', name: 'Wireless mouse', priceCents: 2_499, onHand: 150 },
  { sku: 'MONITOR-27', name: '27" 4K monitor', priceCents: 32_900, onHand: 25 },
  { sku: 'HEADSET-01', name: 'Noise-cancelling headset', priceCents: 14_950, onHand: 40 },
  { sku: 'WEBCAM-HD', name: '1080p webcam', priceCents: 5_900, onHand: 80 },
  { sku: 'USB-C-HUB', name: 'USB-C hub, 7 ports', priceCents: 3_999, onHand: 120 },
  { sku: 'LAPTOP-STAND', name: 'Aluminium laptop stand', priceCents: 2_950, onHand: 90 },
  { sku: 'DESK-MAT', name: 'Felt desk mat', priceCents: 1_900, onHand: 200 },
  { sku: 'CABLE-USB-C-2M', name: 'USB-C cable, 2 m', priceCents: 1_299, onHand: 180 },
  { sku: 'SSD-1TB', name: 'Portable SSD, 1 TB', priceCents: 10_900, onHand: 35 },
] as const;

/**
 * Development only: fills an empty catalogue so there is something to order. Returns how many
 * products it created, each as an admin's `inventory.upsert` would (the use case). Two instances
 * starting together cannot duplicate a product: the SKU's unique key lets one insert it.
 */
export async function seedCatalogue(services: AppServices): Promise<number> {
  if (services.config.env !== 'development') return 0;
  if ((await countProducts(services.db)) > 0) return 0;
  const deps = { db: services.db, now: services.now(), metrics: services.metrics.domain };
  let created = 0;
  for (const product of DEMO_CATALOGUE) {
    const seeded = await upsertInventory(deps, { ...product, actor: 'system' });
    if (seeded.ok) created++;
  }
  return created;
}
