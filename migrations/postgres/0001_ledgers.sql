-- Gongzhang event store, PostgreSQL: many communities' ledgers in one database.
--
-- Every table but `attachments` is keyed by `ledger_id` and its primary key starts with it, so the
-- tables can be partitioned by ledger (PARTITION BY HASH (ledger_id)) or distributed by it (Citus:
-- `SELECT create_distributed_table('entries', 'ledger_id')`, `ledgers` as a reference table).
-- `attachments` are content-addressed and shared between ledgers: they are keyed by their SHA-256.
--
-- Entries are stored as their exact canonical bytes (`bytea`), never `jsonb`, which would reorder
-- keys and break the signatures. Text that is compared or sorted uses the "C" collation, so order
-- is byte order whatever the database's locale (as in SQLite and in Rust).

-- A ledger (one community): a surrogate id and its origin (the checkpoint origin line).
CREATE TABLE ledgers (
    id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    origin text COLLATE "C" NOT NULL UNIQUE
);

-- The committed size of each ledger. Appenders lock this row (`SELECT … FOR UPDATE`) for the
-- length of their transaction: appends to one ledger are serialised, appends to different ledgers
-- run in parallel. The size is compared with what the appender expected (`Conflict` otherwise).
CREATE TABLE ledger_heads (
    ledger_id bigint PRIMARY KEY REFERENCES ledgers (id),
    size      bigint NOT NULL DEFAULT 0 CHECK (size >= 0)
);

-- The log: one row per entry, its exact canonical bytes and the values indexed from it.
CREATE TABLE entries (
    ledger_id  bigint NOT NULL REFERENCES ledgers (id),
    seq        bigint NOT NULL CHECK (seq >= 0),
    hash       bytea NOT NULL CHECK (octet_length(hash) = 32),
    event_id   text COLLATE "C" NOT NULL,
    event_hash bytea NOT NULL CHECK (octet_length(event_hash) = 32),
    bytes      bytea NOT NULL,
    PRIMARY KEY (ledger_id, seq),
    UNIQUE (ledger_id, event_id)
);

-- Complete Merkle subtrees: level 0 are the entry hashes, a node at `level` covers leaves
-- `idx << level .. (idx + 1) << level`. Written once, when the batch completing them commits.
CREATE TABLE tree_nodes (
    ledger_id bigint NOT NULL REFERENCES ledgers (id),
    level     smallint NOT NULL CHECK (level BETWEEN 0 AND 63),
    idx       bigint NOT NULL CHECK (idx >= 0),
    hash      bytea NOT NULL CHECK (octet_length(hash) = 32),
    PRIMARY KEY (ledger_id, level, idx)
);

-- Signed checkpoints (C2SP signed notes), one per committed batch.
CREATE TABLE checkpoints (
    ledger_id bigint NOT NULL REFERENCES ledgers (id),
    size      bigint NOT NULL CHECK (size > 0),
    root      bytea NOT NULL CHECK (octet_length(root) = 32),
    note      text NOT NULL,
    PRIMARY KEY (ledger_id, size)
);

-- Witness cosignature lines, in the order they were added (`id`).
CREATE TABLE cosignatures (
    ledger_id bigint NOT NULL,
    size      bigint NOT NULL,
    id        bigint GENERATED ALWAYS AS IDENTITY,
    line      text NOT NULL,
    PRIMARY KEY (ledger_id, size, id),
    UNIQUE (ledger_id, size, line),
    FOREIGN KEY (ledger_id, size) REFERENCES checkpoints (ledger_id, size)
);

-- Attachments (scanned invoices, minutes, findings), addressed by the SHA-256 of their bytes.
CREATE TABLE attachments (
    sha256     bytea PRIMARY KEY CHECK (octet_length(sha256) = 32),
    media_type text NOT NULL,
    bytes      bytea NOT NULL
);

-- Projections, updated in the append transaction and rebuilt from the log on demand.
CREATE TABLE fund_balances (
    ledger_id   bigint NOT NULL REFERENCES ledgers (id),
    fund        text COLLATE "C" NOT NULL,
    balance_fen bigint NOT NULL,
    PRIMARY KEY (ledger_id, fund)
);

CREATE TABLE households (
    ledger_id     bigint NOT NULL REFERENCES ledgers (id),
    unit          text COLLATE "C" NOT NULL,
    area_centi_m2 bigint NOT NULL,
    charged_fen   bigint NOT NULL,
    paid_fen      bigint NOT NULL,
    owed_fen      bigint NOT NULL,
    PRIMARY KEY (ledger_id, unit)
);

CREATE TABLE postings (
    ledger_id  bigint NOT NULL REFERENCES ledgers (id),
    seq        bigint NOT NULL,
    idx        integer NOT NULL CHECK (idx >= 0),
    account    text COLLATE "C" NOT NULL,
    amount_fen bigint NOT NULL,
    PRIMARY KEY (ledger_id, seq, idx)
);

-- Nothing in the log is edited or deleted: a mistake is corrected by a new entry. These triggers
-- refuse UPDATE, DELETE and TRUNCATE on the log's tables whoever asks, so a bug or a hand-typed
-- statement cannot rewrite history; someone who disables them is caught when the log is verified.
CREATE FUNCTION gongzhang_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'gongzhang: % on % refused: the ledger is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'correct a mistake with a new entry (a reversal)';
END;
$$;

CREATE TRIGGER entries_append_only BEFORE UPDATE OR DELETE ON entries
    FOR EACH ROW EXECUTE FUNCTION gongzhang_refuse_change();
CREATE TRIGGER entries_no_truncate BEFORE TRUNCATE ON entries
    FOR EACH STATEMENT EXECUTE FUNCTION gongzhang_refuse_change();

CREATE TRIGGER tree_nodes_append_only BEFORE UPDATE OR DELETE ON tree_nodes
    FOR EACH ROW EXECUTE FUNCTION gongzhang_refuse_change();
CREATE TRIGGER tree_nodes_no_truncate BEFORE TRUNCATE ON tree_nodes
    FOR EACH STATEMENT EXECUTE FUNCTION gongzhang_refuse_change();

CREATE TRIGGER checkpoints_append_only BEFORE UPDATE OR DELETE ON checkpoints
    FOR EACH ROW EXECUTE FUNCTION gongzhang_refuse_change();
CREATE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION gongzhang_refuse_change();

CREATE TRIGGER cosignatures_append_only BEFORE UPDATE OR DELETE ON cosignatures
    FOR EACH ROW EXECUTE FUNCTION gongzhang_refuse_change();
CREATE TRIGGER cosignatures_no_truncate BEFORE TRUNCATE ON cosignatures
    FOR EACH STATEMENT EXECUTE FUNCTION gongzhang_refuse_change();
