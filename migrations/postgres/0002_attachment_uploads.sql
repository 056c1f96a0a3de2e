-- Who uploaded which attachment to which ledger, and which attachments the ledger's entries name.
--
-- An upload is a ledger's claim on a content-addressed attachment: signed by a key holding a role
-- in that ledger, counted against the ledger's quota, and removed (with the file, if nothing else
-- claims or names it) when no entry of the ledger names it within a day. An attachment an entry
-- names is never removed: `attachment_refs` is written in the same transaction as the entry, and
-- filled in for older entries when the ledger is loaded. Attachments with no upload row (stored
-- before this table existed, or restored from a published bundle) are never collected.
-- Both tables are keyed by ledger id first, like the others.

CREATE TABLE attachment_uploads (
    ledger_id      bigint NOT NULL REFERENCES ledgers (id),
    sha256         bytea  NOT NULL REFERENCES attachments (sha256),
    bytes_len      bigint NOT NULL CHECK (bytes_len >= 0),
    uploaded_at_ms bigint NOT NULL,
    key            bytea  NOT NULL CHECK (octet_length(key) = 32),
    PRIMARY KEY (ledger_id, sha256)
);

CREATE INDEX attachment_uploads_by_time ON attachment_uploads (uploaded_at_ms);
CREATE INDEX attachment_uploads_by_sha256 ON attachment_uploads (sha256);

CREATE TABLE attachment_refs (
    ledger_id bigint NOT NULL REFERENCES ledgers (id),
    sha256    bytea  NOT NULL CHECK (octet_length(sha256) = 32),
    seq       bigint NOT NULL CHECK (seq >= 0),
    PRIMARY KEY (ledger_id, sha256)
);

CREATE INDEX attachment_refs_by_sha256 ON attachment_refs (sha256);

CREATE TRIGGER attachment_refs_append_only BEFORE UPDATE OR DELETE ON attachment_refs
    FOR EACH ROW EXECUTE FUNCTION gongzhang_refuse_change();
