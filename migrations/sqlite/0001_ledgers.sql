-- Gongzhang ledgers in one SQLite file. Every table is keyed by ledger id; entries are their exact
-- canonical bytes (BLOB), never JSON; entries, tree nodes, checkpoints and cosignatures are
-- append-only (triggers refuse UPDATE and DELETE); projections are rebuilt from the entries.

CREATE TABLE ledgers (
    id     INTEGER PRIMARY KEY,
    origin TEXT    NOT NULL UNIQUE
) STRICT;

CREATE TABLE entries (
    ledger_id  INTEGER NOT NULL REFERENCES ledgers (id),
    seq        INTEGER NOT NULL CHECK (seq >= 0),
    hash       BLOB    NOT NULL CHECK (length(hash) = 32),
    event_id   TEXT    NOT NULL,
    event_hash BLOB    NOT NULL CHECK (length(event_hash) = 32),
    bytes      BLOB    NOT NULL,
    PRIMARY KEY (ledger_id, seq),
    UNIQUE (ledger_id, event_id)
) STRICT;

CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries
BEGIN
    SELECT RAISE(ABORT, 'entries are append-only: UPDATE is refused');
END;

CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries
BEGIN
    SELECT RAISE(ABORT, 'entries are append-only: DELETE is refused');
END;

-- Perfect Merkle subtrees: level 0 are the entry hashes, a node at `level` covers leaves
-- idx << level .. (idx + 1) << level.
CREATE TABLE tree_nodes (
    ledger_id INTEGER NOT NULL REFERENCES ledgers (id),
    level     INTEGER NOT NULL CHECK (level BETWEEN 0 AND 63),
    idx       INTEGER NOT NULL CHECK (idx >= 0),
    hash      BLOB    NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (ledger_id, level, idx)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER tree_nodes_no_update BEFORE UPDATE ON tree_nodes
BEGIN
    SELECT RAISE(ABORT, 'tree nodes are append-only: UPDATE is refused');
END;

CREATE TRIGGER tree_nodes_no_delete BEFORE DELETE ON tree_nodes
BEGIN
    SELECT RAISE(ABORT, 'tree nodes are append-only: DELETE is refused');
END;

CREATE TABLE checkpoints (
    ledger_id INTEGER NOT NULL REFERENCES ledgers (id),
    size      INTEGER NOT NULL CHECK (size > 0),
    root      BLOB    NOT NULL CHECK (length(root) = 32),
    note      TEXT    NOT NULL,
    PRIMARY KEY (ledger_id, size)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints
BEGIN
    SELECT RAISE(ABORT, 'checkpoints are append-only: UPDATE is refused');
END;

CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints
BEGIN
    SELECT RAISE(ABORT, 'checkpoints are append-only: DELETE is refused');
END;

-- Witness cosignature lines, in the order they were added (rowid).
CREATE TABLE cosignatures (
    id        INTEGER PRIMARY KEY,
    ledger_id INTEGER NOT NULL,
    size      INTEGER NOT NULL,
    line      TEXT    NOT NULL,
    UNIQUE (ledger_id, size, line),
    FOREIGN KEY (ledger_id, size) REFERENCES checkpoints (ledger_id, size)
) STRICT;

CREATE TRIGGER cosignatures_no_update BEFORE UPDATE ON cosignatures
BEGIN
    SELECT RAISE(ABORT, 'cosignatures are append-only: UPDATE is refused');
END;

CREATE TRIGGER cosignatures_no_delete BEFORE DELETE ON cosignatures
BEGIN
    SELECT RAISE(ABORT, 'cosignatures are append-only: DELETE is refused');
END;

-- Content-addressed files (scanned invoices, minutes, audit findings), shared by all ledgers.
CREATE TABLE attachments (
    sha256     BLOB PRIMARY KEY CHECK (length(sha256) = 32),
    media_type TEXT NOT NULL,
    bytes      BLOB NOT NULL
) STRICT;

-- Projections: derived from the entries, written in the append transaction, rebuilt on demand.
CREATE TABLE fund_balances (
    ledger_id   INTEGER NOT NULL REFERENCES ledgers (id),
    fund        TEXT    NOT NULL,
    balance_fen INTEGER NOT NULL,
    PRIMARY KEY (ledger_id, fund)
) STRICT, WITHOUT ROWID;

CREATE TABLE households (
    ledger_id     INTEGER NOT NULL REFERENCES ledgers (id),
    unit          TEXT    NOT NULL,
    area_centi_m2 INTEGER NOT NULL,
    charged_fen   INTEGER NOT NULL,
    paid_fen      INTEGER NOT NULL,
    owed_fen      INTEGER NOT NULL,
    PRIMARY KEY (ledger_id, unit)
) STRICT, WITHOUT ROWID;

CREATE TABLE postings (
    ledger_id  INTEGER NOT NULL REFERENCES ledgers (id),
    seq        INTEGER NOT NULL,
    idx        INTEGER NOT NULL,
    account    TEXT    NOT NULL,
    amount_fen INTEGER NOT NULL,
    PRIMARY KEY (ledger_id, seq, idx)
) STRICT, WITHOUT ROWID;
