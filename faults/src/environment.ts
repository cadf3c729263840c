import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { passesLuhn } from '@orders/core';
import { callerFor, clientFor, type Caller, type Client } from './clients.js';
import { createCluster, type PostgresCluster } from './cluster.js';
import type { CardKind } from './history.js';
import { startDeliveryRig, type DeliveryRig } from './deliveries.js';
import type { Customer } from './load.js';
import { RESULTS_DIR } from './report.js';
import { startFleet, type Fleet } from './servers.js';

/** A private cluster, the server instances on it, a catalogue and logged-in customers. */
export interface Environment {
  readonly name: string;
  readonly cluster: PostgresCluster;
  readonly fleet: Fleet;
  readonly admin: Client;
  /** The admin's access token (the event follower's stream sends it). */
  readonly adminToken: string;
  /** The admin as a load client: its calls (refunds) go to any instance and into the history. */
  readonly refunder: Caller;
  readonly customers: readonly Customer[];
  /** A customer of its own for the after-fault checkouts on each instance. */
  readonly probe: Customer;
  /** SKUs the load orders from; `plentifulSkus` never sell out. */
  readonly skus: readonly string[];
  readonly plentifulSkus: readonly string[];
  readonly initialStock: ReadonlyMap<string, number>;
  /** The scenario's NATS server and webhook receiver, when it runs with them. */
  readonly deliveries: DeliveryRig | undefined;
  readonly setupMs: number;
}

const CATALOGUE = [
  { sku: 'FAULT-MUG', priceCents: 1250, onHand: 100_000 },
  { sku: 'FAULT-TEE', priceCents: 2400, onHand: 100_000 },
  { sku: 'FAULT-CAP', priceCents: 900, onHand: 100_000 },
  // Scarce: it sells out during the run, so concurrent orders race for its last units.
  { sku: 'FAULT-RARE', priceCents: 5000, onHand: 40 },
] as const;
const SCARCE = new Set<string>(['FAULT-RARE']);

/** Clean-ups, run last-registered first; one that fails does not keep the others from running. */
export class Teardown {
  private readonly steps: (() => Promise<void>)[] = [];

  add(step: () => Promise<void>): void {
    this.steps.push(step);
  }

  async run(): Promise<void> {
    const steps = this.steps.splice(0).reverse();
    const failures: unknown[] = [];
    for (const step of steps) await step().catch((error: unknown) => failures.push(error));
    if (failures.length > 0) throw new AggregateError(failures, 'teardown failed');
  }
}

/**
 * The database a scenario runs on: the cluster the checks read and the faults work on, and the
 * `DATABASE_URL` the servers get (a multi-host one for a failover pair).
 */
export interface ScenarioDatabase {
  readonly cluster: PostgresCluster;
  readonly serversUrl: string;
}

/** One private PostgreSQL cluster (cluster.ts); the servers use its URL. */
async function privateCluster(): Promise<ScenarioDatabase> {
  const cluster = await createCluster();
  return { cluster, serversUrl: cluster.databaseUrl };
}

/**
 * Builds a scenario's world. Every resource is registered with `teardown` as soon as it exists,
 * so a failure half-way still cleans up what was started.
 */
export async function startEnvironment(
  spec: {
    name: string;
    instances: number;
    customers: number;
    /** A private nats-server for the relay, with a webhook receiver too or not. */
    deliveries?: 'stream' | 'stream+webhooks';
  },
  teardown: Teardown,
  database: () => Promise<ScenarioDatabase> = privateCluster,
): Promise<Environment> {
  const started = Date.now();
  const logDir = join(RESULTS_DIR, spec.name);
  await mkdir(logDir, { recursive: true });
  const { cluster, serversUrl } = await database();
  teardown.add(() => cluster.destroy());
  const deliveries =
    spec.deliveries === undefined
      ? undefined
      : await startDeliveryRig(teardown, { webhooks: spec.deliveries === 'stream+webhooks' });
  const fleet = await startFleet({
    count: spec.instances,
    databaseUrl: serversUrl,
    logDir,
    ...(deliveries ? { extraEnv: deliveries.serverEnv } : {}),
  });
  teardown.add(() => fleet.stopAll());

  const url = fleet.instances[0]?.url ?? '';
  const session = await clientFor(url).auth.login.mutate(fleet.admin);
  const admin = clientFor(url, session.accessToken);
  for (const product of CATALOGUE) {
    await admin.inventory.upsert.mutate({ ...product, name: `Fault test ${product.sku}` });
  }
  // After the catalogue: the endpoint gets the events from the load on, none of the set-up's.
  await deliveries?.register(admin);
  const customers = await Promise.all(
    Array.from({ length: spec.customers }, (_, n) =>
      signUp(fleet, n, `customer-${n}`, cardKindsFor(n)),
    ),
  );
  return {
    name: spec.name,
    cluster,
    fleet,
    admin,
    adminToken: session.accessToken,
    refunder: callerFor('admin', session.accessToken, fleet.instances),
    customers,
    probe: await signUp(fleet, spec.customers, 'probe', ['approve']),
    skus: CATALOGUE.map((p) => p.sku),
    plentifulSkus: CATALOGUE.map((p) => p.sku).filter((sku) => !SCARCE.has(sku)),
    initialStock: new Map(CATALOGUE.map((p) => [p.sku, p.onHand])),
    deliveries,
    setupMs: Date.now() - started,
  };
}

/**
 * The shared test cards go to three customers each: CARD_SHARED rejects a card used by more
 * than 3 users in 24 h, and these runs are about crashes, not fraud.
 */
function cardKindsFor(n: number): CardKind[] {
  if (n < 3) return ['approve', 'flaky'];
  if (n < 6) return ['approve', 'decline'];
  if (n < 9) return ['approve', 'refundFails'];
  return ['approve'];
}

async function signUp(fleet: Fleet, n: number, name: string, kinds: CardKind[]): Promise<Customer> {
  const url = fleet.instances[0]?.url ?? '';
  const credentials = { email: `faults-${n}@example.com`, password: 'fault-password' };
  await clientFor(url).auth.signup.mutate(credentials);
  const session = await clientFor(url).auth.login.mutate(credentials);
  return {
    ...callerFor(name, session.accessToken, fleet.instances),
    userId: session.user.id,
    approveCard: cardNumberFor(n),
    kinds,
  };
}

/** A valid Visa number of each customer's own (the simulator approves it). */
function cardNumberFor(n: number): string {
  const body = `45${String(n).padStart(13, '0')}`;
  for (let digit = 0; digit <= 9; digit++) {
    if (passesLuhn(body + String(digit))) return body + String(digit);
  }
  throw new Error('no Luhn check digit found'); // one of ten always passes
}
