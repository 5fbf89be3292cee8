-- Aggregates the web pages and the API read instead of grouping every item per request:
-- recomputed for one site inside the transaction that stores its segment (and by rebuild).
CREATE TABLE agg_destroyed (
    site_id text NOT NULL,
    year integer NOT NULL,
    weapon_type text NOT NULL,
    country text NOT NULL,
    destroyed bigint NOT NULL,
    PRIMARY KEY (site_id, year, weapon_type, country)
);

CREATE TABLE agg_stock (
    site_id text NOT NULL,
    kind text NOT NULL,
    weapon_type text NOT NULL,
    status text NOT NULL,
    items bigint NOT NULL,
    PRIMARY KEY (site_id, kind, weapon_type, status)
);

CREATE TABLE agg_intake (
    site_id text NOT NULL,
    week date NOT NULL,
    items bigint NOT NULL,
    PRIMARY KEY (site_id, week)
);

INSERT INTO agg_destroyed
SELECT site_id, extract(year FROM status_time AT TIME ZONE 'UTC')::integer, weapon_type, country, count(*)
FROM items WHERE status = 'destroyed' GROUP BY 1, 2, 3, 4;
INSERT INTO agg_stock
SELECT site_id, kind, weapon_type, status, count(*) FROM items GROUP BY 1, 2, 3, 4;
INSERT INTO agg_intake
SELECT site_id, date_trunc('week', registered_time AT TIME ZONE 'UTC')::date, count(*)
FROM items WHERE origin <> 'transferred_in' GROUP BY 1, 2;

-- The API's views keep their columns and now read the aggregates.
DROP VIEW destruction_totals;
CREATE VIEW destruction_totals AS
SELECT year, weapon_type, site_id, country, destroyed FROM agg_destroyed;
DROP VIEW stock_per_site;
CREATE VIEW stock_per_site AS
SELECT site_id, kind, weapon_type, status, items FROM agg_stock;
DROP VIEW intake_per_week;
CREATE VIEW intake_per_week AS
SELECT site_id, week, items FROM agg_intake;

-- The (serial, maker) keys of weapons in store at two or more sites: kept so that the alarms
-- page and the API list duplicates without grouping every item. Ingest re-judges the keys of
-- the items a segment touched; rebuild recomputes them all.
-- Which sites hold a weapon of each (serial, maker) in store: one small unpartitioned index,
-- so judging a key is one probe rather than one per partition of `items`.
CREATE TABLE weapon_keys (
    serial_norm text NOT NULL,
    maker_norm text NOT NULL,
    site_id text NOT NULL,
    PRIMARY KEY (serial_norm, maker_norm, site_id)
);
INSERT INTO weapon_keys
SELECT DISTINCT serial_norm, maker_norm, site_id FROM items
WHERE status = 'in_store' AND kind = 'weapon' AND serial_norm <> '';

CREATE TABLE dup_keys (
    serial_norm text NOT NULL,
    maker_norm text NOT NULL,
    PRIMARY KEY (serial_norm, maker_norm)
);
INSERT INTO dup_keys
SELECT serial_norm, maker_norm FROM weapon_keys GROUP BY 1, 2 HAVING count(*) > 1;

DROP VIEW diversion_flags;
CREATE VIEW diversion_flags AS
SELECT d.serial_norm, d.maker_norm, array_agg(i.site_id ORDER BY i.site_id) AS sites,
       array_agg(i.item_id ORDER BY i.site_id) AS item_ids
FROM dup_keys d
JOIN items i ON i.serial_norm = d.serial_norm AND i.maker_norm = d.maker_norm
WHERE i.status = 'in_store' AND i.kind = 'weapon'
GROUP BY d.serial_norm, d.maker_norm;

-- The web pages' sign-in: a lock-out like the sites' (5 wrong in a row lock for 15 minutes).
ALTER TABLE users ADD COLUMN failed_logins integer NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN last_failure timestamptz;

-- Browser sessions: only the SHA-256 of the cookie is stored; each has its CSRF token.
CREATE TABLE web_sessions (
    token_sha256 text PRIMARY KEY,
    user_name text NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    csrf text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_seen timestamptz NOT NULL DEFAULT now()
);

-- Every web sign-in attempt, kept for the inspectors of the inspectors.
CREATE TABLE web_logins (
    id bigserial PRIMARY KEY,
    user_name text NOT NULL,
    time timestamptz NOT NULL DEFAULT now(),
    outcome text NOT NULL
);
