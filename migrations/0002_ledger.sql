-- The record: one append-only hash chain per committee. chain_heads holds the tip and is the
-- row every append locks (SELECT … FOR UPDATE), so appends from any number of service
-- instances are serialised by the database. Each entry is stored as the exact canonical JSON
-- that was hashed.

CREATE TABLE chain_heads (
  committee_id uuid PRIMARY KEY REFERENCES committees (id),
  seq bigint NOT NULL,
  hash text NOT NULL
);

CREATE TABLE chain_entries (
  committee_id uuid NOT NULL REFERENCES committees (id),
  seq bigint NOT NULL,
  kind text NOT NULL,
  hash text NOT NULL,
  entry text NOT NULL,
  PRIMARY KEY (committee_id, seq)
);

CREATE FUNCTION chain_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'chain_entries is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER chain_entries_no_update BEFORE UPDATE OR DELETE ON chain_entries
  FOR EACH ROW EXECUTE FUNCTION chain_entries_append_only();
CREATE TRIGGER chain_entries_no_truncate BEFORE TRUNCATE ON chain_entries
  FOR EACH STATEMENT EXECUTE FUNCTION chain_entries_append_only();
