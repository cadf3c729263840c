import { Migration } from '@mikro-orm/migrations';

/**
 * Webhooks tell of themselves: an endpoint disabled after its failures writes a
 * `webhook_endpoint.disabled` event, so the outbox learns a new aggregate. And a redelivery asked
 * for while a worker is sending the event is kept on the delivery (`redeliver_requested`) until
 * that attempt is recorded, instead of taking the delivery from under it.
 */
export class Migration20261209000000_webhook_events extends Migration {
  override up(): void {
    this.addSql('alter table events drop constraint events_aggregate_type_known;');
    this.addSql(`
      alter table events add constraint events_aggregate_type_known
        check (aggregate_type in ('order', 'payment', 'refund', 'product', 'webhook_endpoint'));`);
    this.addSql(
      'alter table webhook_deliveries add column redeliver_requested boolean not null default false;',
    );
  }

  override down(): void {
    this.addSql('alter table webhook_deliveries drop column redeliver_requested;');
    this.addSql('alter table events drop constraint events_aggregate_type_known;');
    this.addSql(`
      alter table events add constraint events_aggregate_type_known
        check (aggregate_type in ('order', 'payment', 'refund', 'product'));`);
  }
}
