-- The SQLite database of examples/jdbc.sql. examples/data/shop.db is built from this file:
--   rm -f examples/data/shop.db && sqlite3 examples/data/shop.db < examples/data/shop.sql
CREATE TABLE customers (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  country TEXT
);
INSERT INTO customers VALUES
  (1, 'Ada', 'GB'), (2, 'Grace', 'US'), (3, 'Linus', 'FI'), (4, 'Margaret', 'US');

CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL REFERENCES customers (id),
  amount REAL NOT NULL,
  status TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
INSERT INTO orders VALUES
  (1, 1, 12.50, 'paid', '2024-06-01 09:00:00'),
  (2, 2, 40.00, 'new', '2024-06-01 10:30:00'),
  (3, 1, 7.25, 'paid', '2024-06-02 08:15:00'),
  (4, 3, 99.90, 'void', '2024-06-02 11:00:00'),
  (5, 4, 15.00, 'paid', '2024-06-03 14:45:00'),
  (6, 2, 60.00, 'new', '2024-06-04 16:20:00');
