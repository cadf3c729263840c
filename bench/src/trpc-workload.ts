import { randomUUID } from 'node:crypto';
import type { AppRouter } from '@orders/server';
import { createTRPCClient, httpLink } from '@trpc/client';
import { cardNumberFor } from './cards.js';
import { createHttpFetch } from './http-fetch.js';
import { runLoad, type RunResult } from './stats.js';

/** A tRPC client of the server under measurement, logged in as one virtual user (or none). */
export type BenchClient = ReturnType<typeof clientFor>;

/** One pool of kept-alive connections for every virtual user (a socket each, at most). */
const fetch = createHttpFetch(256);

function clientFor(url: string, token?: string) {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${url}/trpc`,
        fetch,
        headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      }),
    ],
  });
}

export const skuName = (i: number): string => `BENCH-${String(i).padStart(5, '0')}`;

/** Stocks the catalogue and creates one logged-in customer per virtual user, up front. */
export async function prepareServer(
  url: string,
  admin: { email: string; password: string },
  input: { users: number; skus: number },
): Promise<BenchClient[]> {
  const adminSession = await clientFor(url).auth.login.mutate(admin);
  const adminClient = clientFor(url, adminSession.accessToken);
  for (let i = 0; i < input.skus; i += 50) {
    const batch = Array.from({ length: Math.min(50, input.skus - i) }, (_, j) => i + j);
    await Promise.all(
      batch.map((n) =>
        adminClient.inventory.upsert.mutate({
          sku: skuName(n),
          name: `Bench product ${n}`,
          priceCents: 100 + (n % 900),
          onHand: 1_000_000,
        }),
      ),
    );
  }
  const run = randomUUID().slice(0, 8);
  return Promise.all(
    Array.from({ length: input.users }, async (_, user) => {
      const credentials = { email: `bench-${run}-${user}@example.com`, password: 'bench-password' };
      await clientFor(url).auth.signup.mutate(credentials);
      const session = await clientFor(url).auth.login.mutate(credentials);
      return clientFor(url, session.accessToken);
    }),
  );
}

/** The checkout through the real server: `orders.create` (one random SKU) then `payments.pay`. */
export function runServerCheckouts(
  clients: readonly BenchClient[],
  input: { skus: number; warmup: number; duration: number },
): Promise<RunResult> {
  return runLoad(clients.length, input.warmup, input.duration, async (user) => {
    const client = clients[user];
    if (!client) throw new Error(`no client for user ${user}`);
    const sku = skuName(Math.floor(Math.random() * input.skus));
    const order = await client.orders.create.mutate({ items: [{ sku, quantity: 1 }] });
    const payment = await client.payments.pay.mutate({
      orderId: order.id,
      paymentMethod: {
        type: 'card',
        number: cardNumberFor(user),
        expMonth: 12,
        expYear: 2099,
        cvc: '123',
      },
      idempotencyKey: randomUUID(),
    });
    if (payment.status !== 'SUCCESS') {
      const why = payment.failureCode ?? payment.status;
      throw new Error(
        `payment ended ${payment.status} (${why}; ${payment.fraud.signals.map((s) => s.rule).join(',')})`,
      );
    }
  });
}
