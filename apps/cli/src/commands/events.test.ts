import { EVENT_TYPES } from '@orders/core';
import { startTestServer, type TestServer } from '@orders/server/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope, EventPage, Order } from '../api-client.js';
import { loadCredentials } from '../credentials.js';
import { buildCli } from '../testing/build-cli.js';
import { startBuiltCli, type RunningCli } from '../testing/follow-cli.js';
import { createSandbox, refusingServerUrl } from '../testing/run-cli.js';
import { startServerInstance, type ServerInstance } from '../testing/server-instance.js';
import {
  CARD_FLAGS,
  freshApprovedCard,
  openSession,
  stockProduct,
  type Session,
} from '../testing/session.js';

let server: TestServer;
let admin: Session;
const sessions: Session[] = [];
const running: RunningCli[] = [];
const processes: ServerInstance[] = [];

beforeAll(async () => {
  await buildCli();
  server = await startTestServer();
  admin = await openSession(server, 'admin');
  await stockProduct(admin, { sku: 'MUG', onHand: 1000, priceCents: 1250, name: 'Enamel mug' });
});
afterEach(async () => {
  for (const cli of running.splice(0)) cli.kill();
  await Promise.all(processes.splice(0).map((p) => p.kill()));
});
afterAll(async () => {
  await Promise.all([admin, ...sessions].map((s) => s.dispose()));
  await server.close();
});

async function newCustomer(on: TestServer = server): Promise<Session> {
  const customer = await openSession(on, 'customer');
  sessions.push(customer);
  return customer;
}

/**
 * An order of `quantity` mugs by `customer`, paid by card: a whole checkout. Returns once its
 * events can be listed: a reader waits for every older transaction on the database server (on a
 * shared PostgreSQL, other test files' too), so a listing right after the commit may not show
 * them yet.
 */
async function checkout(customer: Session, quantity = 2): Promise<Order> {
  const order = await customer.json<Order>(['order', 'create', '--item', `MUG=${quantity}`]);
  const paid = await customer.run(['pay', order.id, '--card', freshApprovedCard(), ...CARD_FLAGS]);
  expect(paid.code, paid.stderr).toBe(0);
  const deadline = Date.now() + 10_000;
  while (eventsOf(await allEvents(customer), order.id).length < CHECKOUT.length) {
    if (Date.now() > deadline) throw new Error(`the events of ${order.id} were never listed`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return order;
}

/** Every event `session` may read, through the API (pages of the largest size). */
async function allEvents(session: Session): Promise<EventEnvelope[]> {
  const api = await session.api();
  const events: EventEnvelope[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await api.events.list.query({ limit: 500, ...(after && { after }) });
    events.push(...page.items);
    if (!page.hasMore || page.cursor === null) return events;
    after = page.cursor;
  }
}

/** The events of one order's checkout: the order's, and its payment's. */
function eventsOf(events: readonly EventEnvelope[], orderId: string): EventEnvelope[] {
  return events.filter((e) => {
    const object = e.data.object as Readonly<Record<string, unknown>>;
    return e.aggregate.type === 'order'
      ? object.id === orderId
      : e.aggregate.type === 'payment' && object.orderId === orderId;
  });
}

async function tokenOf(session: Session): Promise<string> {
  const token = (await loadCredentials(session.sandbox.credentialsFile))?.accessToken;
  if (token === undefined) throw new Error('not logged in');
  return token;
}

/** `ordersctl --server <url> <argv>` as a running child process, logged in with `token`. */
function follow(url: string, token: string, argv: readonly string[]): RunningCli {
  const cli = startBuiltCli(['--server', url, 'events', '--follow', ...argv], {
    ORDERSCTL_TOKEN: token,
    NO_COLOR: '1',
    HOME: '/nonexistent',
    XDG_CONFIG_HOME: '/nonexistent',
  });
  running.push(cli);
  return cli;
}

const parsed = (lines: readonly string[]) => lines.map((l) => JSON.parse(l) as EventEnvelope);

/** A checkout's events, in the order they happen. */
const CHECKOUT = ['order.created', 'payment.created', 'payment.succeeded', 'order.confirmed'];

/**
 * Every event of `all` from the first one `shown`, to the end: what a tail that lost nothing and
 * repeated nothing has shown.
 */
function sinceFirstShown(all: readonly EventEnvelope[], shown: readonly EventEnvelope[]) {
  const start = all.findIndex((e) => e.cursor === shown[0]?.cursor);
  return start === -1 ? [] : all.slice(start);
}
const following = (line: string) => line.startsWith('following ');

describe('ordersctl events', () => {
  it("lists a checkout's events in the order they happened, one row each with what changed and its cursor", async () => {
    const customer = await newCustomer();
    const order = await checkout(customer);
    const events = eventsOf(await allEvents(customer), order.id);
    expect(events.map((e) => e.type)).toEqual([
      'order.created',
      'payment.created',
      'payment.succeeded',
      'order.confirmed',
    ]);

    const result = await customer.run(['events']);
    expect(result.code, result.stderr).toBe(0);
    const rows = result.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^TIME +TYPE +AGGREGATE +VER +CHANGE +CURSOR$/);
    const [created, paymentCreated, succeeded, confirmed] = events.map((event) => {
      const row = rows.find((r) => r.includes(event.cursor));
      expect(row, `${event.type} ${event.cursor}`).toBeDefined();
      return row ?? '';
    });
    expect(rows.indexOf(created ?? '')).toBeLessThan(rows.indexOf(confirmed ?? ''));
    expect(created).toMatch(
      new RegExp(
        `^\\S+ \\S+Z +order\\.created +${order.id} +1 +status PENDING · \\$25\\.00 · 2 items +\\d+-\\d+$`,
      ),
    );
    expect(paymentCreated).toMatch(
      / payment\.created +\S{36} +1 +\$25\.00 · \w+ •••• \d{4} · status \w+ /,
    );
    expect(succeeded).toMatch(/ payment\.succeeded +\S{36} +\d +status \w+ → SUCCESS · \$25\.00 /);
    expect(confirmed).toMatch(
      new RegExp(` order\\.confirmed +${order.id} +2 +status PENDING → CONFIRMED · \\$25\\.00 `),
    );
    expect(result.stdout).not.toContain('More:');
  });

  it('keeps to the types asked for, and the hint for the next page keeps them too', async () => {
    const customer = await newCustomer();
    const orders = [await checkout(customer), await checkout(customer, 1)];
    const first = await customer.run(['events', '--type', 'order.confirmed', '--limit', '1']);
    expect(first.code, first.stderr).toBe(0);
    const lines = first.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toContain(` order.confirmed  ${orders[0]?.id ?? '?'} `);
    const hint =
      /^More: ordersctl events --type order\.confirmed --limit 1 --after (\d+-\d+)$/.exec(
        lines[3] ?? '',
      );
    expect(hint, first.stdout).not.toBeNull();

    const next = await customer.run([
      'events',
      '--type',
      'order.confirmed',
      '--limit',
      '1',
      '--after',
      hint?.[1] ?? '',
    ]);
    expect(next.code, next.stderr).toBe(0);
    expect(next.stdout).toContain(` order.confirmed  ${orders[1]?.id ?? '?'} `);

    const both = await customer.json<EventPage>([
      'events',
      '--type',
      'order.created,order.confirmed',
    ]);
    expect(new Set(both.items.map((e) => e.type))).toEqual(
      new Set(['order.created', 'order.confirmed']),
    );
    expect(both.items).toHaveLength(4);
  });

  it("prints the server's page as it is with --json", async () => {
    const customer = await newCustomer();
    await checkout(customer);
    const page = await customer.json<EventPage>(['events', '--limit', '3']);
    const api = await customer.api();
    expect(page).toEqual(await api.events.list.query({ limit: 3 }));
    expect(page).toMatchObject({ hasMore: true, cursor: page.items[2]?.cursor });
  });

  it('refuses an unknown --type, listing the types, and a malformed --after, with exit 2 and nothing sent', async () => {
    // Nothing listens there: a request sent would end in exit 5, not 2.
    const nowhere = await refusingServerUrl();
    const cli = await createSandbox();
    try {
      const env = { ORDERSCTL_TOKEN: 'a.b.c' };
      const badType = await cli.run(['--server', nowhere, 'events', '--type', 'order.shipped'], {
        env,
      });
      expect(badType.code).toBe(2);
      expect(badType.stderr).toContain('order.shipped is not an event type; expected one of ');
      for (const type of EVENT_TYPES) expect(badType.stderr).toContain(type);

      for (const after of ['abc', '12', '01-2', '1-2-3', '-1-2', '99999999999999999999999-1']) {
        const badAfter = await cli.run(
          ['--server', nowhere, 'events', '--after', after, '--follow'],
          {
            env,
          },
        );
        expect(badAfter.code, after).toBe(2);
        expect(badAfter.stderr).toContain('expected an event cursor such as');
      }
      const limitAndFollow = await cli.run(
        ['--server', nowhere, 'events', '--follow', '--limit', '5'],
        { env },
      );
      expect(limitAndFollow.code).toBe(2);
    } finally {
      await cli.dispose();
    }
  });

  it('exits 3 when not logged in and 5 when the server cannot be reached, with or without --follow', async () => {
    const anonymous = await openSession(server, 'anonymous');
    sessions.push(anonymous);
    for (const argv of [['events'], ['events', '--follow']]) {
      const result = await anonymous.run(argv);
      expect(result.code).toBe(3);
      expect(result.stderr).toContain('not logged in');
    }
    for (const argv of [['events'], ['events', '--follow']]) {
      const result = await anonymous.run(argv, { env: { ORDERSCTL_TOKEN: 'a.b.c' } });
      expect(result.code).toBe(3);
    }
    const nowhere = await refusingServerUrl();
    const env = { ORDERSCTL_TOKEN: await tokenOf(admin) };
    for (const argv of [['events'], ['events', '--follow']]) {
      const result = await anonymous.sandbox.run(['--server', nowhere, ...argv], { env });
      expect(result.code).toBe(5);
      expect(result.stderr).toContain(`cannot reach the server at ${nowhere}`);
    }
  });

  it('shows a customer only the events of their own orders and payments; an admin sees all', async () => {
    const ann = await newCustomer();
    const bob = await newCustomer();
    const annOrder = await checkout(ann);
    const bobOrder = await checkout(bob);
    const annSees = await ann.json<EventPage>(['events', '--limit', '500']);
    expect(annSees.items.length).toBeGreaterThan(0);
    expect(annSees.items.every((e) => e.ownerId === annSees.items[0]?.ownerId)).toBe(true);
    expect(eventsOf(annSees.items, annOrder.id)).toHaveLength(annSees.items.length);
    expect(eventsOf(annSees.items, bobOrder.id)).toEqual([]);
    const table = await ann.run(['events']);
    expect(table.stdout).not.toContain(bobOrder.id);
    expect(table.stdout).not.toContain('product.updated');

    const adminSees = await allEvents(admin);
    expect(eventsOf(adminSees, bobOrder.id)).toHaveLength(4);
    expect(adminSees.some((e) => e.type === 'product.updated')).toBe(true);
  });
});

describe('ordersctl events --follow', () => {
  it('prints each event as one JSON line as it happens, from now on, and stops on Ctrl-C with exit 0', async () => {
    const customer = await newCustomer();
    const history = await checkout(customer);
    const cli = follow(server.url, await tokenOf(customer), ['--json']);
    await cli.waitFor(following, { on: 'stderr' });
    // "Now" is where the server's stream started, a moment after it said it was connected: the
    // first checkout only proves it is live, the second one must then be shown whole.
    const probe = await checkout(customer);
    await cli.waitFor((line) => line.includes('"order.confirmed"') && line.includes(probe.id));
    const order = await checkout(customer);
    await cli.waitFor((line) => line.includes('"order.confirmed"') && line.includes(order.id));

    const result = await cli.interrupt();
    expect(result.code, result.stderr).toBe(0);
    const shown = parsed(cli.lines());
    expect(shown).toEqual(sinceFirstShown(await allEvents(customer), shown));
    expect(eventsOf(shown, history.id)).toEqual([]);
    expect(eventsOf(shown, order.id).map((e) => e.type)).toEqual(CHECKOUT);
    const last = shown.at(-1)?.cursor ?? '?';
    expect(result.stderr).toBe(
      [
        'following events from now on — Ctrl-C to stop',
        `stopped after ${last} — to go on from there: ordersctl events --follow --after ${last}`,
        '',
      ].join('\n'),
    );
  });

  it('with --after shows what came after that cursor, then goes on live, in readable lines', async () => {
    const customer = await newCustomer();
    const before = await checkout(customer);
    const [created] = eventsOf(await allEvents(customer), before.id);
    const cli = follow(server.url, await tokenOf(customer), [
      '--after',
      created?.cursor ?? '?',
      '--type',
      'order.created,order.confirmed',
    ]);
    await cli.waitFor((line) => line.includes(` order.confirmed `) && line.includes(before.id));
    const live = await checkout(customer, 3);
    await cli.waitFor((line) => line.includes(` order.confirmed `) && line.includes(live.id));
    const result = await cli.interrupt();
    expect(result.code, result.stderr).toBe(0);
    expect(cli.lines()).toEqual([
      expect.stringMatching(
        new RegExp(
          `^\\S+ \\S+Z  order\\.confirmed {9}  ${before.id}    v2  status PENDING → CONFIRMED · \\$25\\.00  \\d+-\\d+$`,
        ),
      ),
      expect.stringMatching(
        new RegExp(
          `  order\\.created {11}  ${live.id}    v1  status PENDING · \\$37\\.50 · 3 items  `,
        ),
      ),
      expect.stringMatching(new RegExp(`  order\\.confirmed {9}  ${live.id}    v2  `)),
    ]);
    expect(result.stderr).toContain(
      `following order.created, order.confirmed events after ${created?.cursor ?? '?'}`,
    );
    expect(result.stderr).toContain('--type order.created --type order.confirmed --after ');
  });

  it('resumes after its server is killed and restarted on the same port: no event lost or shown twice', async () => {
    const customer = await newCustomer();
    const databaseUrl = server.config.databaseUrl ?? '';
    let instance = await startServerInstance(databaseUrl);
    processes.push(instance);
    const cli = follow(instance.url, await tokenOf(customer), ['--json']);
    await cli.waitFor(following, { on: 'stderr' });

    // Orders go through the other server (same database) while this one comes and goes.
    const first = await checkout(customer);
    await cli.waitFor((line) => line.includes('"order.confirmed"') && line.includes(first.id));
    await instance.kill();
    await cli.waitFor((line) => line.startsWith('connection lost'), { on: 'stderr' });
    const whileDown = await checkout(customer);
    instance = await startServerInstance(databaseUrl, Number(new URL(instance.url).port));
    processes.push(instance);
    const restarted = instance;
    const after = await checkout(customer);
    await cli
      .waitFor((line) => line.includes('"order.confirmed"') && line.includes(after.id))
      .catch((error: unknown) => {
        throw new Error(`${String(error)}\n--- restarted server log\n${restarted.log()}`);
      });

    const result = await cli.interrupt();
    expect(result.code, result.stderr).toBe(0);
    const shown = parsed(cli.lines());
    expect(shown.map((e) => e.id)).toEqual(
      sinceFirstShown(await allEvents(customer), shown).map((e) => e.id),
    );
    for (const order of [whileDown, after]) {
      expect(eventsOf(shown, order.id).map((e) => e.type)).toEqual(CHECKOUT);
    }
    expect(result.stderr).toMatch(/connection lost \(.+\) — reconnecting…\n/);
    expect(result.stderr).toMatch(/\nreconnected — resuming after \d+-\d+\n/);
  });
});
