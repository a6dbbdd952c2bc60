-- Tidewater quickstart: run with ./tidewater run examples/quickstart.sql
-- Everything lands in ./tidewater-data (a SQLite Iceberg catalog and a local warehouse).

-- A FILES source is one table: here every orders CSV in examples/data.
CREATE OR REPLACE SOURCE orders_files TYPE FILES WITH (
  location = 'examples/data/orders.csv',
  format = 'csv',
  header = true
);

-- JSON Lines with nested objects and arrays become structs and lists.
CREATE OR REPLACE SOURCE customers_files TYPE FILES WITH (
  location = 'examples/data/customers.jsonl'
);

-- A later batch of orders with the same columns.
CREATE OR REPLACE SOURCE orders_update_files TYPE FILES WITH (
  location = 'examples/data/orders_update.csv'
);

SHOW SOURCES;
DESCRIBE SOURCE orders_files;

-- Preview a source before loading it.
SELECT * FROM orders_files LIMIT 5;

-- What a load will do, without reading data or committing anything.
EXPLAIN LOAD orders_files INTO iceberg.sales.orders WITH DISPOSITION REPLACE;

-- REPLACE: the table holds exactly this source's rows afterwards (created on first load).
LOAD orders_files INTO iceberg.sales.orders
  PARTITIONED BY (day(ordered_at))
  WITH DISPOSITION REPLACE;

-- APPEND: add the new batch in one more snapshot.
LOAD orders_update_files INTO iceberg.sales.orders WITH DISPOSITION APPEND;

LOAD customers_files INTO iceberg.sales.customers WITH DISPOSITION REPLACE;

SHOW TABLES IN iceberg.sales;
DESCRIBE TABLE iceberg.sales.orders;

SELECT status, count(*) AS orders, sum(amount) AS total
FROM iceberg.sales.orders
GROUP BY status
ORDER BY status;

SELECT id, name, address, tags FROM sales.customers ORDER BY id LIMIT 5;

SHOW LOADS FOR iceberg.sales.orders;

-- Incremental: only rows past the last committed cursor; the cursor is stored in the same
-- Iceberg snapshot as the data (see docs/loads.md).
LOAD orders_files INTO iceberg.sales.orders_incremental WITH DISPOSITION APPEND INCREMENTAL ON order_id;
LOAD orders_files INTO iceberg.sales.orders_incremental WITH DISPOSITION APPEND INCREMENTAL ON order_id;
SELECT load_id, rows_read, rows_written, cursor_before, cursor_after
FROM system.loads WHERE target = 'iceberg.sales.orders_incremental';

-- A data contract: every row is checked before the commit; rejected rows go to a quarantine table.
CREATE OR REPLACE CONTRACT orders_v1 (
  order_id BIGINT NOT NULL,
  amount   DECIMAL(18,2) CHECK (amount >= 0),
  status   VARCHAR CHECK (status IN ('new', 'paid', 'void'))
);
VALIDATE LOAD orders_files INTO iceberg.sales.orders_checked WITH DISPOSITION APPEND USING CONTRACT orders_v1;
LOAD orders_files INTO iceberg.sales.orders_checked WITH DISPOSITION APPEND
  USING CONTRACT orders_v1 ON ERROR QUARANTINE;

-- An upsert by key: changed orders replace their old rows, new ones are inserted.
LOAD orders_files INTO iceberg.sales.orders_current WITH DISPOSITION MERGE ON (order_id);
LOAD orders_update_files INTO iceberg.sales.orders_current WITH DISPOSITION MERGE ON (order_id);
SELECT status, count(*) FROM sales.orders_current GROUP BY status ORDER BY status;
