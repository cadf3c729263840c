import type { CaseWorld } from './hostile-cases.js';
import type { Procedure } from './hostile-procedures.js';
import type { HostileServer } from './hostile-server.js';

/** A plain tRPC call for the set-up and the final checks; its data, or it throws. */
export async function call(
  baseUrl: string,
  path: string,
  method: 'GET' | 'POST',
  input: unknown,
  token?: string,
): Promise<unknown> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const text = input === undefined ? undefined : JSON.stringify(input);
  const response = await fetch(
    method === 'GET'
      ? `${baseUrl}/trpc/${path}${text === undefined ? '' : `?input=${encodeURIComponent(text)}`}`
      : `${baseUrl}/trpc/${path}`,
    method === 'GET'
      ? { headers }
      : { method, headers: { ...headers, 'content-type': 'application/json' }, body: text ?? '' },
  );
  const body = (await response.json()) as { result?: { data?: unknown } };
  if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
  return body.result?.data;
}

/** An admin, two customers, a product and a PENDING order: what the deep paths need. */
export async function setUpWorld(running: HostileServer, all: Procedure[]): Promise<CaseWorld> {
  const post = (path: string, input: unknown, token?: string) =>
    call(running.url, path, 'POST', input, token);
  const logIn = async (email: string, password: string) =>
    (await post('auth.login', { email, password })) as {
      accessToken: string;
      user: { id: string };
    };
  const customer = async (email: string) => {
    const password = 'customer-pass-9';
    await post('auth.signup', { email, password, name: 'Hostile' });
    return { email, password, session: await logIn(email, password) };
  };
  const admin = await logIn(running.admin.email, running.admin.password);
  const owner = await customer('hostile-owner@example.com');
  const other = await customer('hostile-other@example.com');
  const sku = 'HOSTILE-MUG';
  const product = { sku, name: 'Hostile mug', priceCents: 1250, onHand: 100 };
  await post('inventory.upsert', product, admin.accessToken);
  const order = (await post(
    'orders.create',
    { items: [{ sku, quantity: 1 }] },
    owner.session.accessToken,
  )) as { id: string };
  return {
    procedures: all,
    fixtures: { sku, orderId: order.id, owner: { email: owner.email, password: owner.password } },
    tokens: {
      owner: owner.session.accessToken,
      other: other.session.accessToken,
      admin: admin.accessToken,
    },
    tokenFacts: {
      jwtSecret: running.jwtSecret,
      adminId: admin.user.id,
      ownerId: owner.session.user.id,
    },
  };
}
