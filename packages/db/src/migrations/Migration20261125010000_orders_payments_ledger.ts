import { Migration } from '@mikro-orm/migrations';

/**
 * The catalogue, orders, payments and the ledger. Every cross-request invariant is a constraint
 * here, because several server instances share the database: stock can never go negative or
 * below what is reserved, an order has at most one payment, a journal entry always balances, and
 * the audit tables (attempts, journal, postings, order events, stock movements) are append-only.
 */
export class Migration20261125010000_orders_payments_ledger extends Migration {
  override up(): void {
    this.addSql(`
      create table products (
        id uuid primary key,
        sku text not null,
        name text not null,
        price_cents bigint not null,
        currency text not null default 'USD',
        on_hand integer not null,
        reserved integer not null default 0,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint products_sku_unique unique (sku),
        constraint products_sku_format check (sku ~ '^[A-Z0-9][A-Z0-9_-]{0,63}$'),
        constraint products_name_length check (length(name) between 1 and 200),
        constraint products_price_range check (price_cents between 0 and 100000000),
        constraint products_currency_known check (currency in ('USD', 'EUR', 'GBP')),
        constraint products_on_hand_nonnegative check (on_hand >= 0),
        constraint products_reserved_nonnegative check (reserved >= 0),
        constraint products_reserved_within_on_hand check (reserved <= on_hand)
      );`);

    this.addSql(`
      create table orders (
        id uuid primary key,
        user_id uuid not null references users (id),
        status text not null,
        currency text not null,
        total_cents bigint not null,
        created_at timestamptz not null,
        expires_at timestamptz not null,
        updated_at timestamptz not null,
        constraint orders_status_known check (status in ('PENDING', 'CONFIRMED', 'FAILED', 'CANCELLED', 'REFUNDED')),
        constraint orders_total_nonnegative check (total_cents >= 0)
      );`);
    this.addSql('create index orders_user_created on orders (user_id, created_at desc, id desc);');
    this.addSql(
      `create index orders_pending_expiry on orders (expires_at) where status = 'PENDING';`,
    );

    this.addSql(`
      create table order_lines (
        order_id uuid not null references orders (id),
        line_no smallint not null,
        product_id uuid not null references products (id),
        sku text not null,
        name text not null,
        quantity integer not null,
        unit_price_cents bigint not null,
        line_total_cents bigint not null,
        primary key (order_id, line_no),
        constraint order_lines_quantity_range check (quantity between 1 and 1000),
        constraint order_lines_total check (line_total_cents = unit_price_cents * quantity)
      );`);

    this.addSql(`
      create table order_events (
        id bigint generated always as identity primary key,
        order_id uuid not null references orders (id),
        from_status text,
        to_status text not null,
        reason text not null,
        actor text not null,
        at timestamptz not null
      );`);
    this.addSql('create index order_events_order on order_events (order_id, id);');

    this.addSql(`
      create table stock_movements (
        id bigint generated always as identity primary key,
        product_id uuid not null references products (id),
        kind text not null,
        on_hand_delta integer not null,
        reserved_delta integer not null,
        order_id uuid references orders (id),
        reason text not null,
        actor text not null,
        at timestamptz not null,
        constraint stock_movements_kind_known check (kind in ('RESERVE', 'COMMIT', 'RELEASE', 'ADJUST'))
      );`);
    this.addSql('create index stock_movements_product on stock_movements (product_id);');

    this.addSql(`
      create table payments (
        id uuid primary key,
        order_id uuid not null references orders (id),
        user_id uuid not null references users (id),
        status text not null,
        amount_cents bigint not null,
        currency text not null,
        failure_code text,
        card_brand text not null,
        card_last4 text not null,
        card_fingerprint text not null,
        gateway_token text not null,
        fraud_score integer not null,
        fraud_verdict text not null,
        fraud_signals jsonb not null,
        next_attempt_at timestamptz,
        lease_owner text,
        lease_until timestamptz,
        chain_head text not null,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        constraint payments_one_per_order unique (order_id),
        constraint payments_status_known check (status in ('INITIATED', 'PROCESSING', 'RETRY', 'SUCCESS', 'FAILED_FINAL')),
        constraint payments_failure_code_when_failed check (
          (status = 'FAILED_FINAL') = (failure_code is not null)
          and (failure_code is null or failure_code in ('FRAUD_REJECTED', 'CARD_DECLINED', 'INSUFFICIENT_FUNDS', 'RETRIES_EXHAUSTED'))),
        constraint payments_retry_has_time check ((status = 'RETRY') = (next_attempt_at is not null)),
        constraint payments_amount_positive check (amount_cents > 0),
        constraint payments_last4 check (card_last4 ~ '^[0-9]{4}$'),
        constraint payments_fraud_verdict_known check (fraud_verdict in ('ALLOW', 'FLAG', 'REJECT'))
      );`);
    this.addSql('create index payments_user_created on payments (user_id, created_at);');
    this.addSql('create index payments_card_created on payments (card_fingerprint, created_at);');
    this.addSql(
      `create index payments_due on payments (coalesce(next_attempt_at, lease_until)) where status in ('INITIATED', 'PROCESSING', 'RETRY');`,
    );

    this.addSql(`
      create table payment_attempts (
        id bigint generated always as identity primary key,
        payment_id uuid not null references payments (id),
        attempt_no smallint not null,
        outcome text not null,
        code text,
        gateway_ref text,
        latency_ms integer not null,
        at timestamptz not null,
        prev_hash text not null,
        hash text not null,
        constraint payment_attempts_once unique (payment_id, attempt_no),
        constraint payment_attempts_outcome_known check (outcome in ('APPROVED', 'DECLINED', 'ERROR'))
      );`);

    this.addSql(`
      create table journal_entries (
        id uuid primary key,
        payment_id uuid not null references payments (id),
        kind text not null,
        reference text not null,
        currency text not null,
        created_at timestamptz not null,
        prev_hash text not null,
        hash text not null,
        constraint journal_entries_reference_unique unique (reference),
        constraint journal_entries_kind_known check (kind in ('CAPTURE', 'REFUND'))
      );`);
    this.addSql(`
      create table postings (
        id bigint generated always as identity primary key,
        entry_id uuid not null references journal_entries (id),
        account text not null,
        amount_cents bigint not null,
        currency text not null,
        constraint postings_nonzero check (amount_cents <> 0)
      );`);
    this.addSql('create index postings_entry on postings (entry_id);');

    // An entry must balance when its transaction commits, whatever code wrote it.
    this.addSql(`
      create function assert_entry_balanced() returns trigger language plpgsql as $$
      declare
        total numeric;
        n integer;
      begin
        select coalesce(sum(amount_cents), 0), count(*) into total, n
          from postings where entry_id = new.id;
        if n < 2 or total <> 0 then
          raise exception 'journal entry % is unbalanced (% postings, sum %)', new.id, n, total
            using errcode = '23514', constraint = 'journal_entries_balanced';
        end if;
        return null;
      end $$;`);
    this.addSql(`
      create constraint trigger journal_entries_balanced after insert on journal_entries
        deferrable initially deferred for each row execute function assert_entry_balanced();`);

    this.addSql(`
      create function refuse_change() returns trigger language plpgsql as $$
      begin
        raise exception '% is append-only: % refused', tg_table_name, tg_op
          using errcode = '0A000';
      end $$;`);
    for (const table of [
      'payment_attempts',
      'journal_entries',
      'postings',
      'order_events',
      'stock_movements',
    ]) {
      this.addSql(`
        create trigger ${table}_append_only before update or delete on ${table}
          for each row execute function refuse_change();`);
      this.addSql(`
        create trigger ${table}_no_truncate before truncate on ${table}
          for each statement execute function refuse_change();`);
    }

    this.addSql(`
      create table idempotency_keys (
        user_id uuid not null references users (id),
        scope text not null,
        key text not null,
        request_hash text not null,
        state text not null,
        resource_id uuid,
        locked_at timestamptz,
        created_at timestamptz not null,
        primary key (user_id, scope, key),
        constraint idempotency_keys_key_length check (length(key) between 1 and 255),
        constraint idempotency_keys_state_known check (state in ('IN_PROGRESS', 'COMPLETED'))
      );`);
    this.addSql('create index idempotency_keys_created on idempotency_keys (created_at);');
  }

  override down(): void {
    for (const table of [
      'idempotency_keys',
      'postings',
      'journal_entries',
      'payment_attempts',
      'payments',
      'stock_movements',
      'order_events',
      'order_lines',
      'orders',
      'products',
    ]) {
      this.addSql(`drop table ${table};`);
    }
    this.addSql('drop function refuse_change();');
    this.addSql('drop function assert_entry_balanced();');
  }
}
