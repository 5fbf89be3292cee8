-- National projections: derived from `events` alone, dropped and rebuilt by
-- `custody-registry rebuild`. Partitioned by site like `events`.

CREATE TABLE items (
    site_id text NOT NULL,
    item_id text NOT NULL,
    code text NOT NULL,
    kind text NOT NULL,
    serial text NOT NULL,
    serial_norm text NOT NULL,
    maker text NOT NULL,
    maker_norm text NOT NULL,
    model text NOT NULL,
    weapon_type text NOT NULL,
    country text NOT NULL,
    origin text NOT NULL,
    status text NOT NULL,
    registered_time timestamptz NOT NULL,
    registered_seq bigint NOT NULL,
    status_time timestamptz NOT NULL,
    last_seq bigint NOT NULL,
    destroyed_batch text,
    PRIMARY KEY (site_id, item_id)
) PARTITION BY HASH (site_id);

CREATE TABLE item_events (
    site_id text NOT NULL,
    item_id text NOT NULL,
    seq bigint NOT NULL,
    PRIMARY KEY (site_id, item_id, seq)
) PARTITION BY HASH (site_id);

DO $$
BEGIN
    FOR i IN 0..15 LOOP
        EXECUTE format('CREATE TABLE items_p%s PARTITION OF items FOR VALUES WITH (MODULUS 16, REMAINDER %s)', i, i);
        EXECUTE format('CREATE TABLE item_events_p%s PARTITION OF item_events FOR VALUES WITH (MODULUS 16, REMAINDER %s)', i, i);
    END LOOP;
END $$;

CREATE INDEX items_serial ON items (serial_norm, maker_norm);

CREATE TABLE destruction_batches (
    site_id text NOT NULL,
    batch_id text NOT NULL,
    code text NOT NULL,
    authority text NOT NULL,
    decision_reference text NOT NULL,
    executed_time timestamptz,
    items integer NOT NULL DEFAULT 0,
    PRIMARY KEY (site_id, batch_id)
);

CREATE TABLE destruction_items (
    site_id text NOT NULL,
    batch_id text NOT NULL,
    item_id text NOT NULL,
    PRIMARY KEY (site_id, batch_id, item_id)
);

CREATE TABLE handovers_out (
    site_id text NOT NULL,
    manifest_id text NOT NULL,
    code text NOT NULL,
    dispatched_time timestamptz NOT NULL,
    items integer NOT NULL,
    receiver_site_id text,
    receipted_time timestamptz,
    PRIMARY KEY (site_id, manifest_id)
);

CREATE TABLE handovers_in (
    site_id text NOT NULL,
    manifest_id text NOT NULL,
    sender_site_id text NOT NULL,
    code text NOT NULL,
    imported_time timestamptz NOT NULL,
    accepted_time timestamptz,
    received integer,
    PRIMARY KEY (site_id, manifest_id)
);

-- A dispatch at one site matched with its import/acceptance at the receiving site.
CREATE VIEW handovers_national AS
SELECT o.manifest_id, o.code, o.site_id AS sender_site_id, i.site_id AS receiver_site_id,
       o.dispatched_time, i.imported_time, i.accepted_time, o.receipted_time, o.items, i.received,
       (i.accepted_time IS NULL AND o.dispatched_time < now() - interval '14 days') AS overdue
FROM handovers_out o
LEFT JOIN handovers_in i ON i.manifest_id = o.manifest_id AND i.sender_site_id = o.site_id;

-- The same weapon (normalised serial and maker) in store at two or more sites.
CREATE VIEW diversion_flags AS
SELECT serial_norm, maker_norm, array_agg(site_id ORDER BY site_id) AS sites,
       array_agg(item_id ORDER BY site_id) AS item_ids
FROM items
WHERE status = 'in_store' AND kind = 'weapon' AND serial_norm <> ''
GROUP BY serial_norm, maker_norm
HAVING count(DISTINCT site_id) > 1;

CREATE VIEW destruction_totals AS
SELECT extract(year FROM status_time AT TIME ZONE 'UTC')::integer AS year, weapon_type, site_id,
       country, count(*)::bigint AS destroyed
FROM items
WHERE status = 'destroyed'
GROUP BY 1, 2, 3, 4;

CREATE VIEW stock_per_site AS
SELECT site_id, kind, weapon_type, status, count(*)::bigint AS items
FROM items
GROUP BY 1, 2, 3, 4;

-- Intake per ISO week, counting first registrations (not items received from another site).
CREATE VIEW intake_per_week AS
SELECT site_id, date_trunc('week', registered_time AT TIME ZONE 'UTC')::date AS week,
       count(*)::bigint AS items
FROM items
WHERE origin <> 'transferred_in'
GROUP BY 1, 2;
