/**
 * Another TypeScript app calling the orders server: `createTRPCClient<AppRouter>` gives every
 * procedure with its input and output types, from a type-only import — no server code runs here.
 *
 *   pnpm --filter @orders/example-typed-client start            # against http://127.0.0.1:4000
 *   ORDERS_URL=http://host:port pnpm --filter @orders/example-typed-client start
 */
import { randomUUID } from 'node:crypto';
import type { AppRouter } from '@orders/server';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';

type Inputs = inferRouterInputs<AppRouter>;
type Outputs = inferRouterOutputs<AppRouter>;

/** A client for `serverUrl`, sending the bearer token once there is one. */
function connect(serverUrl: string, token?: string) {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${serverUrl}/trpc`,
        headers: () => (token === undefined ? {} : { authorization: `Bearer ${token}` }),
      }),
    ],
  });
}

/** Signs up a new customer, orders the first product in stock and pays for it. */
async function runExample(
  serverUrl: string,
  log: (line: string) => void,
): Promise<Outputs['payments']['pay']> {
  const credentials = { email: `example-${randomUUID()}@example.com`, password: 'example-pw-1' };
  const anonymous = connect(serverUrl);
  const user = await anonymous.auth.signup.mutate(credentials);
  log(`signed up ${user.email} (${user.role})`);
  const session = await anonymous.auth.login.mutate(credentials);
  const api = connect(serverUrl, session.accessToken);

  const products = await api.products.list.query();
  const product = products.find((p) => p.available > 0);
  if (!product) throw new Error('no product in stock: stock one first (ordersctl inventory set)');
  const items: Inputs['orders']['create']['items'] = [{ sku: product.sku, quantity: 1 }];
  const order = await api.orders.create.mutate({ items });
  log(`order ${order.id}: ${order.status}, ${order.totalCents} cents ${order.currency}`);

  const payment = await api.payments.pay.mutate({
    orderId: order.id,
    paymentMethod: {
      type: 'card',
      number: '4242424242424242',
      expMonth: 12,
      expYear: 2099,
      cvc: '123',
    },
    idempotencyKey: randomUUID(),
  });
  log(
    `payment ${payment.status}; order ${payment.order.status}; ${payment.attempts.length} attempt(s)`,
  );
  return payment;
}

/** Business failures arrive as TRPCClientError with `data.domainCode`. */
function describeFailure(error: unknown): string {
  if (error instanceof TRPCClientError) {
    const data = (error as TRPCClientError<AppRouter>).data;
    return `${data?.domainCode ?? data?.code ?? 'error'}: ${error.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}

const serverUrl = process.env.ORDERS_URL ?? 'http://127.0.0.1:4000';
runExample(serverUrl, (line) => {
  console.log(line);
}).catch((error: unknown) => {
  console.error(describeFailure(error));
  process.exitCode = 1;
});
