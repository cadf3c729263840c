import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createCtl, expectExit, type Ctl } from './ctl.js';
import { DEMO_ADMIN } from './server.js';
import type { Product } from './shapes.js';
import { payWithEachCard, retryAndAudit } from './story-payments.js';
import { REFUND_STORY, showHistory, startFollowing } from './story-events.js';
import { refundAndVerify } from './story-refunds.js';
import { startWebhooks } from './story-webhooks.js';
import { expectThat, step } from './transcript.js';

export interface StoryOptions {
  readonly root: string;
  readonly path: string;
  /** The server's URL. */
  readonly server: string;
  /** A temp dir for the two config dirs. */
  readonly workDir: string;
}

const CUSTOMER = { email: 'ann@demo.local', password: 'ann-demo-password' } as const;

/**
 * The scripted story, told through the real `ordersctl`: the admin stocks two products, a
 * customer signs up and pays with each kind of card, the admin refunds one order in two parts
 * while following the events live and receiving them as webhooks, the ledger is read and verified, and the customer reads the
 * order's history from the events.
 * Every step checks its exit code and, through `--json`, its effect.
 */
export async function tellStory(options: StoryOptions): Promise<void> {
  const cast = await castFor(options);

  step('The admin logs in and stocks two products');
  const login = await cast.admin.run(['login', '--email', DEMO_ADMIN.email, '--password-stdin'], {
    stdin: `${DEMO_ADMIN.password}\n`,
    note: '(password on stdin)',
  });
  expectExit(login, 0, 'logged in');
  await cast.admin.run([
    'inventory',
    'set',
    'DEMO-MUG',
    '--on-hand',
    '20',
    '--price',
    '1250',
    '--name',
    'Demo mug',
  ]);
  await cast.admin.run([
    'inventory',
    'set',
    'DEMO-TEE',
    '--on-hand',
    '5',
    '--price',
    '1999',
    '--name',
    'Demo tee',
  ]);
  const adjust = await cast.admin.run([
    'inventory',
    'adjust',
    'DEMO-MUG',
    '--delta',
    '5',
    '--reason',
    'morning delivery',
  ]);
  expectExit(adjust, 0, 'stock adjusted');
  const stock = await stockOf(cast.admin);
  expectThat(
    stock.get('DEMO-MUG')?.onHand === 25 && stock.get('DEMO-TEE')?.onHand === 5,
    'DEMO-MUG has 25 on hand, DEMO-TEE 5',
  );

  step('A customer signs up, logs in and browses');
  const password = { stdin: `${CUSTOMER.password}\n`, note: '(password on stdin)' };
  expectExit(
    await cast.customer.run(
      ['signup', '--email', CUSTOMER.email, '--name', 'Ann', '--password-stdin'],
      password,
    ),
    0,
    'account created',
  );
  expectExit(
    await cast.customer.run(['login', '--email', CUSTOMER.email, '--password-stdin'], password),
    0,
    'logged in',
  );
  const whoami = await cast.customer.run(['whoami']);
  expectThat(whoami.stdout.includes('role   CUSTOMER'), 'whoami says CUSTOMER');
  const products = await cast.customer.run(['products']);
  expectThat(
    /DEMO-MUG +Demo mug +\$12\.50 +25/.test(products.stdout),
    'the catalogue lists DEMO-MUG at $12.50 with 25 available',
  );

  const paid = await payWithEachCard(cast.customer, stockOf);

  step('An order for more than the stock');
  const tooMany = await cast.customer.run(['order', 'create', '--item', 'DEMO-TEE=50']);
  expectExit(tooMany, 2, 'refused');
  const named = tooMany.stderr.includes('not enough stock of DEMO-TEE: asked for 50, 4 available');
  expectThat(
    tooMany.stdout === '' && named,
    'one line names the SKU, what was asked and what there is',
  );
  expectThat(
    (await stockOf(cast.customer)).get('DEMO-TEE')?.reserved === 0,
    'nothing was reserved',
  );

  await retryAndAudit(cast.customer, paid);
  const tail = await startFollowing(cast.admin);
  const webhooks = await startWebhooks(cast.admin, {
    all: REFUND_STORY,
    orderEvents: REFUND_STORY.filter((type) => type.startsWith('order.')),
  });
  await refundAndVerify(cast.admin, cast.customer, paid.flakyOrderId, stockOf);
  await tail.stop();
  await webhooks.check();
  await showHistory(cast.customer, paid.flakyOrderId);

  step("The customer's orders, newest first");
  const list = await cast.customer.run(['order', 'list']);
  expectExit(list, 0, 'listed');
  const statuses = [...list.stdout.matchAll(/ (CONFIRMED|FAILED|REFUNDED) /g)]
    .map((m) => m[1])
    .join(',');
  expectThat(
    statuses === 'FAILED,FAILED,REFUNDED,CONFIRMED',
    'the rejected and declined orders FAILED, the refunded one REFUNDED, the first CONFIRMED',
  );
}

/** The admin and the customer: one `ordersctl` config dir each, so two separate logins. */
async function castFor(options: StoryOptions): Promise<{ admin: Ctl; customer: Ctl }> {
  const ctlFor = async (who: string) => {
    const home = join(options.workDir, who);
    await mkdir(home, { recursive: true });
    return createCtl(options.root, {
      PATH: options.path,
      HOME: home,
      XDG_CONFIG_HOME: home,
      NO_COLOR: '1',
      ORDERSCTL_SERVER: options.server,
    });
  };
  return { admin: await ctlFor('admin'), customer: await ctlFor('customer') };
}

/** The catalogue by SKU, read through `ordersctl --json products`. */
async function stockOf(ctl: Ctl): Promise<Map<string, Product>> {
  const products = await ctl.json<Product[]>(['products']);
  return new Map(products.map((p) => [p.sku, p]));
}
