-- Votes (表决), token issuance and ballots.
--
-- Privacy by construction: token_issuances says only THAT a member received a token (with the
-- blinded point and the device's signature over it, which reveal nothing about the token);
-- ballots carry no member, no timestamp and no serial number, and their primary key is the
-- token itself, so no column reflects the order in which ballots arrived.

CREATE TABLE votes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  meeting_id uuid NOT NULL REFERENCES meetings (id),
  committee_id uuid NOT NULL REFERENCES committees (id),
  title text NOT NULL,
  state text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'open', 'closed')),
  definition text NOT NULL,          -- canonical JSON of the vote definition, as in the chain
  public_key text NOT NULL,          -- BLS12-381 G2, base64url
  secret_key_sealed text NOT NULL,   -- the per-vote BLS secret, sealed with the service key
  runoff_of uuid REFERENCES votes (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  opened_at timestamptz,
  closed_at timestamptz,
  created_seq bigint NOT NULL,       -- chain seq of the vote.created entry
  closed_seq bigint                  -- chain seq of the vote.closed entry
);
CREATE INDEX votes_meeting ON votes (meeting_id);

CREATE TABLE token_issuances (
  vote_id uuid NOT NULL REFERENCES votes (id),
  person_id uuid NOT NULL REFERENCES people (id),
  device_id uuid NOT NULL REFERENCES devices (id),
  blinded_point text NOT NULL,
  device_signature text NOT NULL,
  blind_signature text NOT NULL,
  PRIMARY KEY (vote_id, person_id)
);

CREATE TABLE ballots (
  vote_id uuid NOT NULL REFERENCES votes (id),
  token text NOT NULL,               -- t, base64url: spending it twice hits the primary key
  ballot_hash text NOT NULL,
  ballot text NOT NULL,              -- canonical JSON of the ballot
  receipt text NOT NULL,             -- compact JWS returned to the device
  PRIMARY KEY (vote_id, token)
);
