-- A witness's state (c2sp.org/tlog-witness), when this database belongs to `gongzhang witness`.
--
-- `witness_heads` holds, per log origin, the tree the witness last cosigned: it only ever moves
-- forward, and only by a compare-and-swap on the size and root it was checked against (an
-- `UPDATE … WHERE origin = $1 AND size = $6 AND root = $7` that changes one row or none),
-- written before the cosignature is returned, so a restart or two concurrent requests can never
-- make the witness cosign a smaller tree. `witness_refusals` keeps the requests it refused that
-- the log had signed — a proof that does not verify, another root at a size it cosigned — which
-- are evidence that the log shows different trees to different people.
--
-- Keyed by origin, not ledger id: a witness cosigns for logs it does not store.

CREATE TABLE witness_heads (
    origin      text COLLATE "C" PRIMARY KEY,
    size        bigint NOT NULL CHECK (size >= 0),
    root        bytea  NOT NULL CHECK (octet_length(root) = 32),
    checkpoint  text   NOT NULL,
    cosigned_at bigint NOT NULL
);

CREATE TABLE witness_refusals (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    origin     text COLLATE "C" NOT NULL,
    refused_at bigint  NOT NULL,
    status     integer NOT NULL,
    code       text    NOT NULL,
    reason     text    NOT NULL,
    witnessed  text,
    request    text    NOT NULL
);

CREATE INDEX witness_refusals_by_origin ON witness_refusals (origin, id);
