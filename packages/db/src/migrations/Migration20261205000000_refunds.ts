import { Migration } from '@mikro-orm/migrations';

/**
 * Refunds (DESIGN §2 Refunds). The cap lives here: a payment holds the amount of every refund not
 * FAILED (`refund_held_cents`, taken by a conditional UPDATE when a refund is created, given back
 * when one fails), and a CHECK keeps it within the capture — so two instances refunding one
 * payment at once cannot exceed it. Likewise each order line holds the units refunds restock
 * (`restock_held`), never more than it bought. Refund attempts are append-only and chained into
 * their payment's hash chain; a refund's journal entry names it.
 */
export class Migration20261205000000_refunds extends Migration {
  override up(): void {
    this.addSql('alter table orders drop constraint orders_status_known;');
    this.addSql(`
      alter table orders add constraint orders_status_known check (status in
        ('PENDING', 'CONFIRMED', 'FAILED', 'CANCELLED', 'PARTIALLY_REFUNDED', 'REFUNDED'));`);
    this.addSql('alter table stock_movements drop constraint stock_movements_kind_known;');
    this.addSql(`
      alter table stock_movements add constraint stock_movements_kind_known check (kind in
        ('RESERVE', 'COMMIT', 'RELEASE', 'ADJUST', 'RESTOCK'));`);

    this.addSql(`
      alter table payments
        add column refund_held_cents bigint not null default 0,
        add column refunded_cents bigint not null default 0,
        add constraint payments_refunds_within_capture check (
          refunded_cents >= 0 and refunded_cents <= refund_held_cents
          and refund_held_cents <= amount_cents);`);
    this.addSql(`
      alter table order_lines
        add column restock_held integer not null default 0,
        add constraint order_lines_restock_within_quantity check (
          restock_held >= 0 and restock_held <= quantity);`);

    this.addSql(`
      create table refunds (
        id uuid primary key,
        payment_id uuid not null references payments (id),
        order_id uuid not null references orders (id),
        user_id uuid not null references users (id),
        amount_cents bigint not null,
        currency text not null,
        reason text not null,
        note text,
        status text not null,
        failure_code text,
        restock jsonb not null,
        next_attempt_at timestamptz,
        lease_owner text,
        lease_until timestamptz,
        created_at timestamptz not null,
        settled_at timestamptz,
        updated_at timestamptz not null,
        constraint refunds_amount_positive check (amount_cents > 0),
        constraint refunds_status_known check (status in ('PENDING', 'PROCESSING', 'SUCCEEDED', 'RETRY', 'FAILED')),
        constraint refunds_reason_known check (reason in ('requested_by_customer', 'duplicate', 'fraudulent', 'other')),
        constraint refunds_failure_code_when_failed check (
          (status = 'FAILED') = (failure_code is not null)
          and (failure_code is null or failure_code in ('REFUND_FAILED', 'RETRIES_EXHAUSTED'))),
        constraint refunds_retry_has_time check ((status = 'RETRY') = (next_attempt_at is not null)),
        constraint refunds_note_length check (note is null or length(note) <= 500)
      );`);
    this.addSql('create index refunds_payment on refunds (payment_id, created_at);');
    this.addSql('create index refunds_order on refunds (order_id, created_at);');
    this.addSql(
      `create index refunds_due on refunds (coalesce(next_attempt_at, lease_until)) where status in ('PENDING', 'PROCESSING', 'RETRY');`,
    );

    this.addSql(`
      create table refund_attempts (
        id bigint generated always as identity primary key,
        refund_id uuid not null references refunds (id),
        attempt_no smallint not null,
        outcome text not null,
        code text,
        gateway_ref text,
        latency_ms integer not null,
        at timestamptz not null,
        prev_hash text not null,
        hash text not null,
        constraint refund_attempts_once unique (refund_id, attempt_no),
        constraint refund_attempts_outcome_known check (outcome in ('APPROVED', 'DECLINED', 'ERROR'))
      );`);
    this.addSql(`
      create trigger refund_attempts_append_only before update or delete on refund_attempts
        for each row execute function refuse_change();`);
    this.addSql(`
      create trigger refund_attempts_no_truncate before truncate on refund_attempts
        for each statement execute function refuse_change();`);

    this.addSql(`
      alter table journal_entries
        add column refund_id uuid references refunds (id),
        add constraint journal_entries_refund_named check ((kind = 'REFUND') = (refund_id is not null));`);
  }

  override down(): void {
    this.addSql('alter table journal_entries drop column refund_id;');
    this.addSql('drop table refund_attempts;');
    this.addSql('drop table refunds;');
    this.addSql('alter table order_lines drop column restock_held;');
    this.addSql('alter table payments drop column refund_held_cents, drop column refunded_cents;');
    this.addSql('alter table stock_movements drop constraint stock_movements_kind_known;');
    this.addSql(`
      alter table stock_movements add constraint stock_movements_kind_known check (kind in
        ('RESERVE', 'COMMIT', 'RELEASE', 'ADJUST'));`);
    this.addSql('alter table orders drop constraint orders_status_known;');
    this.addSql(`
      alter table orders add constraint orders_status_known check (status in
        ('PENDING', 'CONFIRMED', 'FAILED', 'CANCELLED', 'REFUNDED'));`);
  }
}
