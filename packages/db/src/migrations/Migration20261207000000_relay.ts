import { Migration } from '@mikro-orm/migrations';

/**
 * Relays of the outbox to other systems (DESIGN §2 Delivery, NATS JetStream): one row per relay,
 * named after what it publishes to (the stream). `cursor` is the last event the relay had
 * acknowledged downstream (null: none yet); `lease_owner` / `lease_until` let exactly one server
 * instance run the relay at a time (see `relays/relay.repository.ts`).
 */
export class Migration20261207000000_relay extends Migration {
  override up(): void {
    this.addSql(`
      create table event_relays (
        name text primary key,
        cursor text null,
        lease_owner text null,
        lease_until timestamptz null,
        updated_at timestamptz not null
      );`);
  }

  override down(): void {
    this.addSql('drop table if exists event_relays;');
  }
}
