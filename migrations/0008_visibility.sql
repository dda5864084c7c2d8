-- Who may read a committee's record (issue 12). `public`: anyone with the committee's id reads
-- its chain, tallies and closed records; `restricted`: only its members, secretaries,
-- administrators, observers, and holders of a vote's share link after the close. Committees
-- that existed before this migration were public and stay so; new ones are restricted unless
-- created otherwise.
ALTER TABLE committees ADD COLUMN visibility text NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'restricted'));
ALTER TABLE committees ALTER COLUMN visibility SET DEFAULT 'restricted';

-- Observers (列席/观察员): read the committee's record with devices of their own, enrolled through
-- the ordinary enrolment flow, and never act (no token, no cast, no confirmation).
CREATE TABLE committee_observers (
  committee_id uuid NOT NULL REFERENCES committees (id),
  person_id uuid NOT NULL REFERENCES people (id),
  added_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (committee_id, person_id)
);
CREATE INDEX committee_observers_person ON committee_observers (person_id);

-- A vote's share links: a capability for outside observers, stored only as its SHA-256.
CREATE TABLE vote_shares (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  vote_id uuid NOT NULL REFERENCES votes (id),
  token_hash text NOT NULL UNIQUE,
  created_by uuid NOT NULL REFERENCES people (id),
  created_at timestamptz NOT NULL,
  revoked_at timestamptz,
  revoked_by uuid REFERENCES people (id)
);
CREATE INDEX vote_shares_vote ON vote_shares (vote_id);

-- Changes to who may read a record (visibility, observers, share links), with who made them.
-- Not chain entries: they govern access to the record, not what it proves (docs/PROTOCOL.md).
CREATE TABLE access_audit (
  id bigserial PRIMARY KEY,
  committee_id uuid NOT NULL REFERENCES committees (id),
  at timestamptz NOT NULL,
  by_person uuid NOT NULL REFERENCES people (id),
  action text NOT NULL,
  detail jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX access_audit_committee ON access_audit (committee_id, id);

-- A draft's definition enters the chain only when the vote opens (vote.created is appended
-- then), so a draft has no chain seq yet.
ALTER TABLE votes ALTER COLUMN created_seq DROP NOT NULL;
