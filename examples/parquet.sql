-- Parquet files as a source: run with ./tidewater run examples/parquet.sql from the repository
-- root. See docs/connectors.md, "Parquet and Avro".

-- Two days of shipments written by DuckDB; the second day's file has one more column
-- (service) and a wider decimal. The source's schema is the union of the files' schemas.
CREATE OR REPLACE SOURCE shipments TYPE FILES WITH (
  location = 'examples/data/shipments/*.parquet');
DESCRIBE SOURCE shipments;

-- Load every shipment once, in order of shipped_at. With parquet_dictionary = 'auto' (the
-- default), a load whose first batch holds at least 1,024 values of a column writes that column
-- without a Parquet dictionary when its values are mostly distinct (ids, timestamps); these few
-- rows leave it to Parquet, as 'parquet' does for every load.
LOAD shipments INTO iceberg.logistics.shipments
  WITH DISPOSITION APPEND
  INCREMENTAL ON shipped_at
  WITH (parquet_dictionary = 'auto');
SELECT shipment_id, destination, weight_kg, packages, service
  FROM iceberg.logistics.shipments ORDER BY shipment_id;

-- Nothing new: the files' statistics show that no row group holds a shipped_at past the
-- cursor, so the load reads no file at all.
EXPLAIN LOAD shipments INTO logistics.shipments
  WITH DISPOSITION APPEND
  INCREMENTAL ON shipped_at;
LOAD shipments INTO logistics.shipments
  WITH DISPOSITION APPEND
  INCREMENTAL ON shipped_at;
SELECT status, rows_read, rows_written, cursor_after FROM system.loads WHERE source = 'shipments';
