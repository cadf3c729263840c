import type { Sql } from '../database.js';

/** A product whose stock columns disagree with what its history says they should be. */
export interface StockDrift {
  readonly sku: string;
  readonly onHand: number;
  readonly reserved: number;
  /** Σ `on_hand_delta` of its movements. */
  readonly movedOnHand: number;
  /** Σ `reserved_delta` of its movements. */
  readonly movedReserved: number;
  /** Σ quantity of its lines on PENDING orders: what should be reserved right now. */
  readonly pendingQuantity: number;
}

/**
 * Products whose `on_hand`/`reserved` differ from the sum of their `stock_movements`, or whose
 * `reserved` differs from the quantity held by PENDING orders (CONFIRMED commits a reservation,
 * FAILED and CANCELLED release it, so only PENDING orders hold stock). Empty when consistent.
 */
export async function findStockDrift(db: Sql): Promise<StockDrift[]> {
  return db.execute<StockDrift[]>(
    `select p.sku, p.on_hand as "onHand", p.reserved,
            coalesce(m.on_hand, 0)::int as "movedOnHand",
            coalesce(m.reserved, 0)::int as "movedReserved",
            coalesce(l.quantity, 0)::int as "pendingQuantity"
       from products p
       left join (select product_id, sum(on_hand_delta) as on_hand, sum(reserved_delta) as reserved
                    from stock_movements group by product_id) m on m.product_id = p.id
       left join (select ol.product_id, sum(ol.quantity) as quantity
                    from order_lines ol join orders o on o.id = ol.order_id
                   where o.status = 'PENDING' group by ol.product_id) l on l.product_id = p.id
      where p.on_hand <> coalesce(m.on_hand, 0)
         or p.reserved <> coalesce(m.reserved, 0)
         or p.reserved <> coalesce(l.quantity, 0)
      order by p.sku`,
  );
}
