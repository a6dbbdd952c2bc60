-- Write-audit-publish: load into a branch that readers of the table do not see, check it, then
-- publish it to main in one atomic step (or throw it away).
--   ./tidewater run examples/audit-publish.sql

CREATE SOURCE audit_orders TYPE FILES WITH (location = 'examples/data/orders.csv');
CREATE SOURCE audit_updates TYPE FILES WITH (location = 'examples/data/orders_update.csv');

-- Production: the table and its cursor, on main.
LOAD audit_orders INTO wap.orders
  WITH DISPOSITION MERGE ON (order_id)
  INCREMENTAL ON ordered_at;

-- Write: the next batch goes to branch 'audit' (made from main on first use): orders 1003 and
-- 1018 change, 1021 to 1023 are new. The branch carries its own cursor: audit_updates' cursor
-- moves on the branch only, and main's data and cursors do not move.
LOAD audit_updates INTO wap.orders
  WITH DISPOSITION MERGE ON (order_id)
  INCREMENTAL ON ordered_at
  AT BRANCH 'audit';

-- Audit: readers still see main; the branch is read with FOR VERSION AS OF.
SELECT count(*) AS main_rows FROM wap.orders;
SELECT count(*) AS audit_rows, count(*) FILTER (WHERE status = 'void') AS void_orders
  FROM wap.orders FOR VERSION AS OF 'audit';
SHOW BRANCHES OF wap.orders;

-- Publish: main fast-forwards to the branch, and main's cursor becomes the branch's.
PUBLISH BRANCH 'audit' OF wap.orders;
SELECT count(*) AS published_rows FROM wap.orders;
SELECT order_id, status FROM wap.orders WHERE order_id IN (1003, 1018, 1023) ORDER BY order_id;

-- The branch is done with.
DROP BRANCH 'audit' OF wap.orders;
SHOW BRANCHES OF wap.orders;
