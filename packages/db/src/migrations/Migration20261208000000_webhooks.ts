import { Migration } from '@mikro-orm/migrations';

/**
 * Webhooks (DESIGN §2 Delivery, Webhooks): endpoints registered by an admin, one delivery per
 * (endpoint, event) — the unique key makes the fan-out idempotent — and an append-only log of
 * every attempt. Deliveries are claimed under a lease (`lease_owner` / `lease_until`) with
 * `for update skip locked`, so every instance's worker can send and none sends the same one at
 * once. Deleting an endpoint deletes its deliveries and their log.
 */
export class Migration20261208000000_webhooks extends Migration {
  override up(): void {
    this.addSql(`
      create table webhook_endpoints (
        id uuid primary key,
        url text not null,
        description text null,
        types text[] null,
        secret text not null,
        enabled boolean not null,
        consecutive_failures integer not null,
        disabled_reason text null,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        constraint webhook_endpoints_failures_non_negative check (consecutive_failures >= 0)
      );`);
    this.addSql(`
      create table webhook_deliveries (
        id uuid primary key,
        endpoint_id uuid not null references webhook_endpoints (id) on delete cascade,
        event_id text not null,
        status text not null,
        attempts integer not null,
        next_attempt_at timestamptz not null,
        lease_owner text null,
        lease_until timestamptz null,
        last_status integer null,
        last_error text null,
        created_at timestamptz not null,
        delivered_at timestamptz null,
        constraint webhook_deliveries_once unique (endpoint_id, event_id),
        constraint webhook_deliveries_status_known check (status in ('PENDING', 'DELIVERED', 'RETRY', 'FAILED'))
      );`);
    this.addSql(`
      create index webhook_deliveries_due on webhook_deliveries (next_attempt_at)
        where status in ('PENDING', 'RETRY');`);
    this.addSql(`
      create table webhook_delivery_attempts (
        id bigint generated always as identity primary key,
        delivery_id uuid not null references webhook_deliveries (id) on delete cascade,
        attempt_no integer not null,
        at timestamptz not null,
        status_code integer null,
        latency_ms integer not null,
        error text null,
        constraint webhook_delivery_attempts_once unique (delivery_id, attempt_no)
      );`);
    // The log is append-only: no attempt is ever rewritten (deleting an endpoint deletes its log).
    this.addSql(`
      create trigger webhook_delivery_attempts_append_only before update on webhook_delivery_attempts
        for each row execute function refuse_change();`);
  }

  override down(): void {
    this.addSql('drop table webhook_delivery_attempts;');
    this.addSql('drop table webhook_deliveries;');
    this.addSql('drop table webhook_endpoints;');
  }
}
