import { Migration } from '@mikro-orm/migrations';

/** Users, and the fixed-window counters behind the login rate limit. */
export class Migration20261125000000_users extends Migration {
  override up(): void {
    this.addSql(`
      create table users (
        id uuid primary key,
        email text not null,
        name text not null default '',
        role text not null default 'CUSTOMER',
        password_hash text not null,
        created_at timestamptz not null default now(),
        constraint users_email_unique unique (email),
        constraint users_email_normalized check (email = lower(btrim(email)) and length(email) between 3 and 254),
        constraint users_role_known check (role in ('CUSTOMER', 'ADMIN'))
      );`);
    this.addSql(`
      create table rate_limits (
        key text primary key,
        window_started_at timestamptz not null,
        hits integer not null check (hits >= 0)
      );`);
  }

  override down(): void {
    this.addSql('drop table rate_limits;');
    this.addSql('drop table users;');
  }
}
