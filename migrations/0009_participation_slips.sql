-- Meetings of participants holding slips (issue 15: 民主推荐 and 民主测评 at meetings of
-- hundreds). A meeting is of `members` (the committee's enrolled members, as before) or of
-- `slips`: participants without accounts, each handed one printed slip with a single-use
-- participation code. `entitled` is the slips meeting's 应到, set when it is created.
ALTER TABLE meetings ADD COLUMN kind text NOT NULL DEFAULT 'members' CHECK (kind IN ('members', 'slips'));
ALTER TABLE meetings ADD COLUMN entitled integer CHECK (entitled BETWEEN 1 AND 5000);
ALTER TABLE meetings ADD CONSTRAINT meetings_slips_entitled CHECK ((kind = 'slips') = (entitled IS NOT NULL));

-- One row per printed slip. The code itself is never stored: only its SHA-256 (as share links).
-- A slip is spent once (redeemed_at), or voided before use (voided_at), never both.
CREATE TABLE participation_slips (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  meeting_id uuid NOT NULL REFERENCES meetings (id),
  code_hash text NOT NULL UNIQUE,
  batch integer NOT NULL CHECK (batch >= 1),
  issued_at timestamptz NOT NULL,
  redeemed_at timestamptz,
  voided_at timestamptz,
  CHECK (redeemed_at IS NULL OR voided_at IS NULL)
);
CREATE INDEX participation_slips_meeting ON participation_slips (meeting_id, batch);

-- A blind token signed for a slip, one per slip and vote: as token_issuances for members, it
-- says only THAT the slip received a token (the blinded point hides the token perfectly). No
-- table links a slip, or its issuance, to a ballot.
CREATE TABLE slip_token_issuances (
  vote_id uuid NOT NULL REFERENCES votes (id),
  slip_id uuid NOT NULL REFERENCES participation_slips (id),
  blinded_point text NOT NULL,
  blind_signature text NOT NULL,
  PRIMARY KEY (vote_id, slip_id)
);
