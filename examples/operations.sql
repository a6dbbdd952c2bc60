-- Loading messy data with a contract: run with ./tidewater run examples/operations.sql
-- (after or without the quickstart). See docs/contracts.md and docs/loads.md.

-- Payments as JSON Lines: mixed number / text amounts, a broken line, a null, unknown channels,
-- a column no contract mentions, and payment 1 sent twice (corrected the next day).
CREATE OR REPLACE SOURCE payments TYPE FILES WITH (location = 'examples/data/payments.jsonl');
DESCRIBE SOURCE payments;

-- What a payment must be. Columns the contract does not know are dropped (discard_value).
CREATE OR REPLACE CONTRACT payments_v1 (
  payment_id BIGINT NOT NULL,
  order_id   BIGINT NOT NULL,
  amount     DECIMAL(12,2) CHECK (amount > 0),
  channel     VARCHAR CHECK (channel IN ('card', 'transfer', 'cash')),
  paid_at    TIMESTAMP NOT NULL
) WITH (columns = 'discard_value');

-- Check first: nothing is written. At most 3 violations are listed; every rule is counted.
VALIDATE LOAD payments INTO iceberg.finance.payments
  WITH DISPOSITION MERGE ON (payment_id) DEDUP BY paid_at DESC
  USING CONTRACT payments_v1
  WITH (max_violations = 3);

-- Upsert by payment id, the latest version of each payment winning, only rows past the last
-- committed cursor, bad rows quarantined; a new table in Iceberg format version 3.
LOAD payments INTO iceberg.finance.payments
  WITH DISPOSITION MERGE ON (payment_id) DEDUP BY paid_at DESC
  INCREMENTAL ON paid_at
  USING CONTRACT payments_v1
  ON ERROR QUARANTINE
  WITH (format_version = '3');

SELECT payment_id, order_id, amount, channel FROM iceberg.finance.payments ORDER BY payment_id;

-- The rejected rows, with where they came from, the rule and the reason; a line that was not
-- JSON at all keeps its text in raw_record.
SELECT source_position, rule, reason, coalesce(row_json, raw_record) AS rejected
FROM iceberg.finance.payments__rejected
ORDER BY source_position;

-- How many rows broke each rule, and which contract version the load used.
SELECT e.rule, e."rows"
FROM system.load_errors e JOIN system.loads l ON l.load_id = e.load_id
WHERE l.target = 'iceberg.finance.payments'
ORDER BY e.rule;
SELECT status, rows_read, rows_written, rows_rejected, cursor_after, contract
FROM system.loads WHERE target = 'iceberg.finance.payments';
