-- A witness's state (c2sp.org/tlog-witness), when this database belongs to `gongzhang witness`.
--
-- `witness_heads` holds, per log origin, the tree the witness last cosigned: it only ever moves
-- forward, and only by a compare-and-swap on the size and root it was checked against (an
-- `UPDATE … WHERE origin = ? AND size = ? AND root = ?` that changes one row or none), written
-- before the cosignature is returned, so a restart or two concurrent requests can never make the
-- witness cosign a smaller tree. `witness_refusals` keeps the requests it refused that the log
-- had signed — a proof that does not verify, another root at a size it cosigned — which are
-- evidence that the log shows different trees to different people.

CREATE TABLE witness_heads (
    origin      TEXT    NOT NULL PRIMARY KEY,
    size        INTEGER NOT NULL CHECK (size >= 0),
    root        BLOB    NOT NULL CHECK (length(root) = 32),
    checkpoint  TEXT    NOT NULL,
    cosigned_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE witness_refusals (
    id          INTEGER NOT NULL PRIMARY KEY,
    origin      TEXT    NOT NULL,
    refused_at  INTEGER NOT NULL,
    status      INTEGER NOT NULL,
    code        TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    witnessed   TEXT,
    request     TEXT    NOT NULL
) STRICT;

CREATE INDEX witness_refusals_by_origin ON witness_refusals (origin, id);
