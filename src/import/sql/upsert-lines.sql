-- Imported order lines, one batch, for every order except one a webhook recorded (that order
-- keeps its payload's lines). The check looks up only the batch's distinct orders (hashed NOT
-- IN), not one probe per line, and does not depend on the order row being committed yet: an
-- Online Retail invoice split across two batches written concurrently still gets all of its
-- lines. A newer export may raise a line's returned quantity. Parallel arrays, one element a line.
--
-- $1 store: the store key
-- $2 orderIds: text[], each line's order
-- $3 lineNos: int[]
-- $4 productIds: text[]
-- $5 variantIds: text[]
-- $6 skus: text[]
-- $7 titles: text[], capped (src/text/caps.ts)
-- $8 productTypes: text[]
-- $9 vendors: text[]
-- $10 quantities: int[] (negative: a returned quantity on its own line)
-- $11 unitPrices: numeric[]
-- $12 returnedQuantities: int[]
-- $13 returnedAmounts: numeric[]
-- $14 batchOrderIds: text[], the batch's distinct orders
--
-- Returns nothing.
INSERT INTO order_lines (store, order_id, line_no, product_id, variant_id, sku, title, product_type, vendor,
                         quantity, unit_price, returned_quantity, returned_amount)
SELECT $1, l.o, l.n, l.p, l.v, l.s, l.t, l.ty, l.ve, l.q, l.u, l.rq, l.ra
FROM unnest($2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
            $10::int[], $11::numeric[], $12::int[], $13::numeric[]) AS l(o, n, p, v, s, t, ty, ve, q, u, rq, ra)
WHERE l.o NOT IN (SELECT order_id FROM orders WHERE store = $1 AND order_id = ANY($14::text[]) AND NOT from_history)
ON CONFLICT (store, order_id, line_no) DO UPDATE SET
  returned_quantity = excluded.returned_quantity,
  returned_amount   = excluded.returned_amount
WHERE order_lines.returned_quantity < excluded.returned_quantity
   OR order_lines.returned_amount < excluded.returned_amount;
