-- Schema for the lineage golden cases (golden.json). Plain PostgreSQL 15+.
-- Domain: a retailer with sales, HR, shipping, staging feeds, analytics and a
-- quoted mixed-case "Finance" ledger. No foreign keys, so TRUNCATE/DROP cases
-- stay simple; tables are empty.
CREATE SCHEMA sales;
CREATE SCHEMA hr;
CREATE SCHEMA shipping;
CREATE SCHEMA staging;
CREATE SCHEMA analytics;
CREATE SCHEMA "Finance";

CREATE SEQUENCE public.order_seq;
CREATE SEQUENCE sales.invoice_seq;

-- public tables, used unqualified in many cases
CREATE TABLE public.customers(id int PRIMARY KEY, name text, email text UNIQUE, region text, created_at timestamptz, segment text);
CREATE TABLE public.products(id int PRIMARY KEY, sku text UNIQUE, title text, category text, price numeric(10,2), active boolean);
CREATE TABLE public.stores(id int PRIMARY KEY, city text, region text, opened_on date);
CREATE TABLE public.customer_archive(id int, name text, email text, region text, archived_at timestamptz);
CREATE TABLE public.audit_log(id bigint DEFAULT nextval('public.order_seq'), event text DEFAULT 'none', payload jsonb, logged_at timestamptz DEFAULT now());
CREATE TABLE public."ProductTags"("ProductId" int, "Tag" text);

CREATE TABLE sales.orders(id int PRIMARY KEY, customer_id int, store_id int, ordered_at timestamptz, status text, total numeric(12,2));
CREATE TABLE sales.order_items(order_id int, product_id int, qty int, unit_price numeric(10,2), discount numeric(4,2));
CREATE TABLE sales.returns(id int, order_id int, product_id int, qty int, reason text, returned_at timestamptz);
CREATE TABLE sales.promotions(code text PRIMARY KEY, product_id int, pct numeric(4,2), starts_on date, ends_on date);
CREATE TABLE sales.returns_archive(id int, order_id int, product_id int, qty int, reason text, returned_at timestamptz);

CREATE TABLE hr.departments(id int PRIMARY KEY, name text, parent_id int, budget numeric);
CREATE TABLE hr.employees(id int PRIMARY KEY, first_name text, last_name text, dept_id int, manager_id int, hired_on date, salary numeric(10,2), store_id int);
CREATE TABLE hr.salary_history(employee_id int, changed_on date, old_salary numeric, new_salary numeric);

CREATE TABLE shipping.carriers(code text PRIMARY KEY, name text, country text);
CREATE TABLE shipping.shipments(id int PRIMARY KEY, order_id int, carrier text, shipped_at timestamptz, delivered_at timestamptz, weight_kg numeric, tracking jsonb);

CREATE TABLE staging.customer_feed(ext_id text, name text, email text, region text, loaded_at timestamptz);
CREATE TABLE staging.product_feed(sku text, title text, category text, price numeric, raw jsonb);
CREATE TABLE staging.order_events(payload jsonb, received_at timestamptz);

CREATE TABLE analytics.daily_sales(day date, store_id int, revenue numeric, orders int, PRIMARY KEY (day, store_id));
CREATE TABLE analytics.customer_ltv(customer_id int PRIMARY KEY, ltv numeric, first_order timestamptz, last_order timestamptz);
CREATE TABLE analytics.product_rank(product_id int, category text, rnk bigint);
CREATE TABLE analytics.emp_headcount(dept_id int, headcount bigint, avg_salary numeric);

CREATE TABLE "Finance"."Accounts"("AccountNo" text PRIMARY KEY, "AccountName" text, "Kind" text);
CREATE TABLE "Finance"."Ledger"("EntryId" int PRIMARY KEY, "AccountNo" text, "Amount" numeric(12,2), "PostedAt" timestamptz, "OrderRef" int);

CREATE VIEW sales.v_order_totals AS
  SELECT o.id AS order_id, o.customer_id, sum(i.qty * i.unit_price) AS gross
  FROM sales.orders o JOIN sales.order_items i ON i.order_id = o.id
  GROUP BY o.id, o.customer_id;

CREATE MATERIALIZED VIEW analytics.mv_category_sales AS
  SELECT p.category, sum(i.qty * i.unit_price) AS revenue
  FROM sales.order_items i JOIN products p ON p.id = i.product_id
  GROUP BY p.category;

-- A set-returning SQL function: used in FROM it is a function, not a table.
CREATE FUNCTION sales.items_of(oid int) RETURNS SETOF sales.order_items
  LANGUAGE sql STABLE AS $$ SELECT * FROM sales.order_items WHERE order_id = oid $$;
