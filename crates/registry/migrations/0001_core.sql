-- Sites, their events as received, the registry's cosignatures, alarms, people and tokens.
-- Every table holding site data leads with site_id and is partitioned by it, so the schema can
-- be distributed by site id (Citus) without change.

CREATE TABLE sites (
    site_id text PRIMARY KEY,
    name text NOT NULL,
    public_key text NOT NULL UNIQUE,
    key_id text NOT NULL,
    enrolled_at timestamptz NOT NULL DEFAULT now(),
    head_seq bigint NOT NULL DEFAULT 0,
    head_hash bytea NOT NULL DEFAULT '\x0000000000000000000000000000000000000000000000000000000000000000',
    last_push timestamptz,
    last_cosigned_seq bigint NOT NULL DEFAULT 0
);

CREATE TABLE events (
    site_id text NOT NULL,
    seq bigint NOT NULL,
    id text NOT NULL,
    time text NOT NULL,
    actor text,
    witness text,
    kind text NOT NULL,
    subject text,
    payload text NOT NULL,
    prev_hash bytea NOT NULL,
    hash bytea NOT NULL,
    PRIMARY KEY (site_id, seq)
) PARTITION BY HASH (site_id);

DO $$
BEGIN
    FOR i IN 0..15 LOOP
        EXECUTE format('CREATE TABLE events_p%s PARTITION OF events FOR VALUES WITH (MODULUS 16, REMAINDER %s)', i, i);
    END LOOP;
END $$;

-- The registry keeps what sites send exactly as sent: no UPDATE, no DELETE.
CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'registry events are append-only';
END $$;
CREATE TRIGGER events_no_update BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_append_only();

CREATE TABLE cosignatures (
    site_id text NOT NULL REFERENCES sites (site_id),
    size bigint NOT NULL,
    head text NOT NULL,
    time bigint NOT NULL,
    signature text NOT NULL,
    PRIMARY KEY (site_id, size)
);

CREATE TABLE alarms (
    id bigserial PRIMARY KEY,
    site_id text NOT NULL,
    kind text NOT NULL,
    seq bigint,
    held_hash text,
    offered_hash text,
    detail text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alarms_site ON alarms (site_id);

CREATE TABLE users (
    name text PRIMARY KEY,
    password_hash text NOT NULL,
    role text NOT NULL CHECK (role IN ('inspector', 'administrator')),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_tokens (
    token_sha256 text PRIMARY KEY,
    name text NOT NULL,
    role text NOT NULL CHECK (role IN ('inspector', 'administrator')),
    created_at timestamptz NOT NULL DEFAULT now()
);
