import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { AppServices } from './trpc/context.js';
import { bootstrapAdmin } from './use-cases/bootstrap-admin.js';

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
