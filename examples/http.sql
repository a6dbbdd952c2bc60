-- A REST API as a source: run with ./tidewater run examples/http.sql while the example pages
-- are served on port 8765, e.g. by
--   python3 -m http.server 8765 --directory examples/data/api
-- (any static file server will do). See docs/connectors.md, "HTTP: REST APIs returning JSON".

-- Support tickets, three to a page; each page links to the next one in its body. The API key
-- is a secret option: SHOW SOURCES masks it, and no error or log line shows it.
CREATE OR REPLACE SOURCE tickets TYPE HTTP WITH (
  url = 'http://localhost:8765/tickets/page-1.json',
  records_path = '$.tickets',
  paginator = 'json_link', next_url_path = '$.links.next',
  auth = 'api_key', api_key_name = 'X-Api-Key', api_key = 'example-key-123',
  cursor_param = 'updated_since',
  max_pages = 100);
SHOW SOURCES;

-- The schema comes from the first page (nested objects become ROW, arrays ARRAY);
-- a preview fetches only the pages it needs.
DESCRIBE SOURCE tickets;
SELECT id, subject, status FROM tickets LIMIT 3;

-- Upsert by id, only tickets updated after the last committed cursor.
LOAD tickets INTO iceberg.support.tickets
  WITH DISPOSITION MERGE ON (id)
  INCREMENTAL ON updated_at;
SELECT status, count(*) AS tickets FROM iceberg.support.tickets GROUP BY status ORDER BY status;

-- Again: the stored cursor goes to the API as ?updated_since=2024-06-07T09:30:00Z. A static
-- server ignores it and sends every page, but the load also filters the rows it gets, so
-- nothing is loaded twice.
LOAD tickets INTO support.tickets
  WITH DISPOSITION MERGE ON (id)
  INCREMENTAL ON updated_at;
SELECT status, rows_read, rows_written, cursor_after FROM system.loads WHERE source = 'tickets';
