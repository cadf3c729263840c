import { Migration } from '@mikro-orm/migrations';

/**
 * CARD_SHARED counts the other users of a card: with (card, user, created_at) the count reads
 * the index ranges on either side of the payer's own user id — the other users' rows only —
 * where (card, created_at) read every payment of the card, the payer's own included.
 */
export class Migration20261130000000_card_user_index extends Migration {
  override up(): void {
    this.addSql(
      'create index payments_card_user_created on payments (card_fingerprint, user_id, created_at);',
    );
    this.addSql('drop index payments_card_created;');
  }

  override down(): void {
    this.addSql('create index payments_card_created on payments (card_fingerprint, created_at);');
    this.addSql('drop index payments_card_user_created;');
  }
}
