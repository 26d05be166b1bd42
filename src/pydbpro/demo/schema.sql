-- The demo database's tables, indexes and views (SQLite).
CREATE TABLE categories (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, description TEXT);
CREATE TABLE suppliers (
    id INTEGER PRIMARY KEY, company_name TEXT NOT NULL, contact_name TEXT NOT NULL,
    country TEXT NOT NULL, phone TEXT);
CREATE TABLE products (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL,
    category_id INTEGER NOT NULL REFERENCES categories (id),
    supplier_id INTEGER NOT NULL REFERENCES suppliers (id),
    unit_price DECIMAL(10,2) NOT NULL CHECK (unit_price >= 0),
    units_in_stock INTEGER NOT NULL DEFAULT 0 CHECK (units_in_stock >= 0),
    discontinued BOOLEAN NOT NULL DEFAULT 0 CHECK (discontinued IN (0, 1)),
    created_at DATE NOT NULL);
CREATE TABLE employees (
    id INTEGER PRIMARY KEY, first_name TEXT NOT NULL, last_name TEXT NOT NULL,
    title TEXT NOT NULL, email TEXT NOT NULL UNIQUE, hire_date DATE NOT NULL,
    birth_date DATE CHECK (birth_date < hire_date),
    manager_id INTEGER REFERENCES employees (id),
    salary DECIMAL(10,2) NOT NULL CHECK (salary > 0));
CREATE TABLE customers (
    id INTEGER PRIMARY KEY, company_name TEXT, first_name TEXT NOT NULL,
    last_name TEXT NOT NULL, email TEXT NOT NULL, phone TEXT, city TEXT NOT NULL,
    country TEXT NOT NULL, postal_code TEXT, created_at TIMESTAMP NOT NULL, notes TEXT);
CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    employee_id INTEGER NOT NULL REFERENCES employees (id),
    order_date TIMESTAMP NOT NULL,
    shipped_date TIMESTAMP CHECK (shipped_date >= order_date),
    status TEXT NOT NULL
        CHECK (status IN ('pending', 'processing', 'shipped', 'delivered', 'cancelled')),
    ship_city TEXT NOT NULL, ship_country TEXT NOT NULL,
    freight DECIMAL(10,2) NOT NULL DEFAULT 0 CHECK (freight >= 0));
CREATE TABLE order_items (
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    product_id INTEGER NOT NULL REFERENCES products (id),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    unit_price DECIMAL(10,2) NOT NULL CHECK (unit_price >= 0),
    discount REAL NOT NULL DEFAULT 0 CHECK (discount BETWEEN 0 AND 0.25),
    PRIMARY KEY (order_id, product_id));
CREATE INDEX ix_products_category_id ON products (category_id);
CREATE INDEX ix_products_supplier_id ON products (supplier_id);
CREATE INDEX ix_employees_manager_id ON employees (manager_id);
CREATE INDEX ix_customers_country_city ON customers (country, city);
CREATE INDEX ix_orders_customer_id ON orders (customer_id);
CREATE INDEX ix_orders_employee_id ON orders (employee_id);
CREATE INDEX ix_orders_order_date ON orders (order_date);
CREATE INDEX ix_order_items_product_id ON order_items (product_id);
CREATE VIEW order_totals AS
SELECT o.id AS order_id,
       COALESCE(c.company_name, c.first_name || ' ' || c.last_name) AS customer_name,
       o.order_date, o.status, COUNT(oi.product_id) AS item_count,
       ROUND(COALESCE(SUM(oi.quantity * oi.unit_price * (1 - oi.discount)), 0), 2)
           AS total_amount
FROM orders AS o
JOIN customers AS c ON c.id = o.customer_id
LEFT JOIN order_items AS oi ON oi.order_id = o.id
GROUP BY o.id;
CREATE VIEW customer_summary AS
SELECT c.id AS customer_id,
       COALESCE(c.company_name, c.first_name || ' ' || c.last_name) AS customer_name,
       c.city, c.country, COUNT(DISTINCT o.id) AS order_count,
       MIN(o.order_date) AS first_order, MAX(o.order_date) AS last_order,
       ROUND(COALESCE(SUM(CASE WHEN o.status <> 'cancelled'
                               THEN oi.quantity * oi.unit_price * (1 - oi.discount) END),
                      0), 2) AS lifetime_value
FROM customers AS c
LEFT JOIN orders AS o ON o.customer_id = c.id
LEFT JOIN order_items AS oi ON oi.order_id = o.id
GROUP BY c.id;
