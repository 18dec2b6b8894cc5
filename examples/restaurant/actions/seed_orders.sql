-- Demo takeaway orders for action_lookup_order.
-- actions/orders.py runs this file once, when the orders table does not exist yet.
-- Statements are separated by semicolons; keep the SQL portable (SQLite and PostgreSQL).
CREATE TABLE orders (
    order_id VARCHAR(16) PRIMARY KEY,
    status VARCHAR(32) NOT NULL,
    items VARCHAR(200) NOT NULL,
    eta VARCHAR(5)
);

INSERT INTO orders (order_id, status, items, eta) VALUES
    ('ORD-10001', 'delivered', '2 x margherita pizza, 1 x tiramisu', NULL),
    ('ORD-10002', 'out for delivery', '1 x pad thai, 1 x green curry', '19:40'),
    ('ORD-10003', 'being prepared', '3 x chicken tacos, 1 x guacamole', '20:05'),
    ('ORD-10004', 'cancelled', '1 x salmon sushi set', NULL),
    ('ORD-10005', 'ready for collection', '2 x lamb souvlaki, 1 x greek salad', NULL);
