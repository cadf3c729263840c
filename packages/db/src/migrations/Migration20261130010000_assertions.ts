import { Migration } from '@mikro-orm/migrations';

/**
 * `orders_assert(ok, what)`: true, or an error (SQLSTATE OR001, message `what`) that fails the
 * statement and so the transaction. A write whose "no row matched" would be a lost lease or a bug
 * says so inside its own statement: a COMMIT sent right behind it can then never commit around
 * it.
 */
export class Migration20261130010000_assertions extends Migration {
  override up(): void {
    this.addSql(`
      create function orders_assert(ok boolean, what text) returns boolean
      language plpgsql as $$
      begin
        if ok is not true then
          raise exception using errcode = 'OR001', message = what;
        end if;
        return true;
      end $$;`);
  }

  override down(): void {
    this.addSql('drop function orders_assert(boolean, text);');
  }
}
