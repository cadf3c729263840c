import { Migration } from '@mikro-orm/migrations';

/**
 * The events outbox (DESIGN §2 Events). An event is written in the transaction of the change it
 * tells of, stamped with that transaction's id (`xid`, a `xid8` that never wraps) and a sequence
 * number: readers page by `(xid, seq)` and only up to the oldest transaction still running, so an
 * event that commits late is never passed over (a plain sequence would be; see
 * `events/event.repository.ts`).
 *
 * Versions: an order's, payment's or refund's events are counted by its own state (core's
 * `eventVersions`), decided under the lock of its row like the change itself. A product's state
 * does not count its changes, so its versions are handed out from `event_aggregate_versions`,
 * which retention leaves alone: a version is never given twice, even after the events that had
 * it were purged.
 *
 * Every index costs each change a write (the bench measures it), so there are three: the id, the
 * cursor (reading, paging, purging oldest first) and the owner's cursor (a customer's reads).
 *
 * Events are append-only: UPDATE and TRUNCATE are always refused, DELETE unless the transaction
 * set `orders.events_purge` to 'on' — which only the retention purge does, with `set local`.
 */
export class Migration20261206000000_events extends Migration {
  override up(): void {
    this.addSql(`
      create table events (
        id text primary key,
        seq bigint generated always as identity,
        xid xid8 not null default pg_current_xact_id(),
        type text not null,
        aggregate_type text not null,
        aggregate_id text not null,
        aggregate_version integer not null,
        owner_id uuid,
        data jsonb not null,
        created_at timestamptz not null,
        constraint events_cursor_unique unique (xid, seq),
        constraint events_aggregate_type_known check (aggregate_type in ('order', 'payment', 'refund', 'product')),
        constraint events_aggregate_version_positive check (aggregate_version > 0)
      );`);
    this.addSql('create index events_owner_cursor on events (owner_id, xid, seq);');

    this.addSql(`
      create table event_aggregate_versions (
        aggregate_type text not null,
        aggregate_id text not null,
        version integer not null,
        primary key (aggregate_type, aggregate_id),
        constraint event_aggregate_versions_positive check (version > 0)
      );`);

    // One statement-level trigger: a purge of thousands of rows checks the setting once.
    this.addSql(`
      create function events_refuse_change() returns trigger language plpgsql as $$
      begin
        if tg_op = 'DELETE' and current_setting('orders.events_purge', true) = 'on' then
          return null;
        end if;
        raise exception '% is append-only: % refused', tg_table_name, tg_op
          using errcode = '0A000';
      end $$;`);
    this.addSql(`
      create trigger events_append_only before update or delete or truncate on events
        for each statement execute function events_refuse_change();`);
    // The last versions given out outlive the events: forgetting one would give it out again.
    this.addSql(`
      create trigger event_aggregate_versions_kept before delete on event_aggregate_versions
        for each row execute function refuse_change();`);
    this.addSql(`
      create trigger event_aggregate_versions_no_truncate before truncate on event_aggregate_versions
        for each statement execute function refuse_change();`);
  }

  override down(): void {
    this.addSql('drop table event_aggregate_versions;');
    this.addSql('drop table events;');
    this.addSql('drop function events_refuse_change();');
  }
}
