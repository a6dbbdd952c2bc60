-- A relational database as a source: run with ./tidewater run examples/jdbc.sql from the
-- repository root. The database is the SQLite file examples/data/shop.db (built from
-- examples/data/shop.sql); a PostgreSQL, MySQL / MariaDB or DuckDB source differs only in its
-- url, user and password. See docs/connectors.md, "JDBC: relational databases".

CREATE OR REPLACE SOURCE shop TYPE JDBC WITH (url = 'jdbc:sqlite:examples/data/shop.db');

-- A JDBC source is a database: its tables are shop.<table> here (SQLite has no schemas),
-- shop.<schema>.<table> elsewhere (shop.public.orders on PostgreSQL).
SHOW TABLES IN shop;
DESCRIBE SOURCE shop.orders;

-- A query of a source's table: the filter and the columns go into SQLite's own query.
SELECT id, amount, status FROM shop.orders WHERE status = 'paid' ORDER BY id LIMIT 10;

-- The plan shows the database query of each split: the primary key is cut into ranges.
EXPLAIN LOAD shop.orders INTO iceberg.sales.orders
  WITH DISPOSITION MERGE ON (id)
  INCREMENTAL ON updated_at;

-- Upsert by id, only the orders updated after the last committed cursor.
LOAD shop.orders INTO iceberg.sales.orders
  WITH DISPOSITION MERGE ON (id)
  INCREMENTAL ON updated_at;
SELECT status, count(*) AS orders, sum(amount) AS amount
  FROM iceberg.sales.orders GROUP BY status ORDER BY status;

-- Again: the stored cursor becomes WHERE "updated_at" > '2024-06-04 16:20:00' in the database's
-- query, so nothing is read twice.
LOAD shop.orders INTO sales.orders
  WITH DISPOSITION MERGE ON (id)
  INCREMENTAL ON updated_at;

-- A whole table, replaced on every run.
LOAD shop.customers INTO iceberg.sales.customers WITH DISPOSITION REPLACE;
SELECT country, count(*) AS customers FROM sales.customers GROUP BY country ORDER BY country;
SELECT source, rows_read, rows_written, cursor_after FROM system.loads ORDER BY started_at;
