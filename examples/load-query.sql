-- LOAD from a query and from an Iceberg table: enrich orders with their customers, load the
-- result incrementally, then copy the table.
--   ./tidewater run examples/load-query.sql

CREATE OR REPLACE SOURCE q_orders TYPE FILES WITH (location = 'examples/data/orders.csv');
CREATE OR REPLACE SOURCE q_customers TYPE FILES WITH (location = 'examples/data/customers.jsonl');
LOAD q_customers INTO crm.customers WITH DISPOSITION REPLACE;

-- A join of a source and a table, merged by key; the cursor goes around the query.
EXPLAIN LOAD (SELECT o.order_id, o.amount, o.status, c.name, c.email
    FROM q_orders o JOIN crm.customers c ON o.customer = c.id)
  INTO sales.orders_enriched
  WITH DISPOSITION MERGE ON (order_id)
  INCREMENTAL ON order_id;
LOAD (SELECT o.order_id, o.amount, o.status, c.name, c.email
    FROM q_orders o JOIN crm.customers c ON o.customer = c.id)
  INTO sales.orders_enriched
  WITH DISPOSITION MERGE ON (order_id)
  INCREMENTAL ON order_id;
SELECT count(*) AS enriched_orders, count(DISTINCT name) AS customers FROM sales.orders_enriched;
SELECT order_id, name, amount FROM sales.orders_enriched ORDER BY order_id LIMIT 3;

-- An Iceberg table as a source: copy it (any catalog to any catalog).
LOAD iceberg.sales.orders_enriched INTO archive.orders_enriched WITH DISPOSITION APPEND;
SELECT count(*) AS archived_orders FROM archive.orders_enriched;
