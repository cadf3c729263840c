import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261125000000_users } from './Migration20261125000000_users.js';
import { Migration20261125010000_orders_payments_ledger } from './Migration20261125010000_orders_payments_ledger.js';
import { Migration20261130000000_card_user_index } from './Migration20261130000000_card_user_index.js';
import { Migration20261130010000_assertions } from './Migration20261130010000_assertions.js';
import { Migration20261205000000_refunds } from './Migration20261205000000_refunds.js';
import { Migration20261206000000_events } from './Migration20261206000000_events.js';
import { Migration20261207000000_relay } from './Migration20261207000000_relay.js';
import { Migration20261208000000_webhooks } from './Migration20261208000000_webhooks.js';
import { Migration20261209000000_webhook_events } from './Migration20261209000000_webhook_events.js';

/**
 * Every migration, in order. Listed explicitly (not discovered from the file system) so the
 * compiled server and the tests run exactly the same set.
 */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261125000000_users', class: Migration20261125000000_users },
  {
    name: 'Migration20261125010000_orders_payments_ledger',
    class: Migration20261125010000_orders_payments_ledger,
  },
  {
    name: 'Migration20261130000000_card_user_index',
    class: Migration20261130000000_card_user_index,
  },
  { name: 'Migration20261130010000_assertions', class: Migration20261130010000_assertions },
  { name: 'Migration20261205000000_refunds', class: Migration20261205000000_refunds },
  { name: 'Migration20261206000000_events', class: Migration20261206000000_events },
  { name: 'Migration20261207000000_relay', class: Migration20261207000000_relay },
  { name: 'Migration20261208000000_webhooks', class: Migration20261208000000_webhooks },
  {
    name: 'Migration20261209000000_webhook_events',
    class: Migration20261209000000_webhook_events,
  },
];
