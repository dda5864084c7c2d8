-- The version-2 close (src/votes/close.ts): the vote is prepared (confirming), sealed
-- (countersigning), then published (closed). Members' confirmations say only that a member's
-- ballot is in the prepared close, never which ballot; the record publishes them.
ALTER TABLE votes DROP CONSTRAINT votes_state_check;
ALTER TABLE votes ADD CONSTRAINT votes_state_check CHECK (state IN ('draft', 'open', 'confirming', 'countersigning', 'closed'));
ALTER TABLE votes ADD COLUMN prepared text;        -- canonical JSON of the prepared close (version 2)
ALTER TABLE votes ADD COLUMN prepared_hash text;   -- what members confirm
ALTER TABLE votes ADD COLUMN decision text;        -- JSON of the decision on unconfirmed ballots, or NULL
ALTER TABLE votes ADD COLUMN seal_hash text;       -- what the inspectors countersign

CREATE TABLE vote_confirmations (
  vote_id uuid NOT NULL REFERENCES votes (id),
  person_id uuid NOT NULL REFERENCES people (id),
  device_fingerprint text NOT NULL,
  signature text NOT NULL,
  PRIMARY KEY (vote_id, person_id)
);

CREATE TABLE vote_countersignatures (
  vote_id uuid NOT NULL REFERENCES votes (id),
  person_id uuid NOT NULL REFERENCES people (id),
  device_fingerprint text NOT NULL,
  signature text NOT NULL,
  PRIMARY KEY (vote_id, person_id)
);

-- The meeting's inspectors (监票人) as last designated; each designation is a chain entry.
CREATE TABLE meeting_inspectors (
  meeting_id uuid NOT NULL REFERENCES meetings (id),
  person_id uuid NOT NULL REFERENCES people (id),
  PRIMARY KEY (meeting_id, person_id)
);
