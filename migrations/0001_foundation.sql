-- People, committees, roles, device enrolment, login challenges, meetings and attendance.

CREATE TABLE people (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
  is_admin boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE committees (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 128),
  kind text NOT NULL CHECK (kind IN ('standing', 'full', 'other')),
  rules jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE committee_members (
  committee_id uuid NOT NULL REFERENCES committees (id),
  person_id uuid NOT NULL REFERENCES people (id),
  voting_right boolean NOT NULL DEFAULT true,
  active boolean NOT NULL DEFAULT true,
  added_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (committee_id, person_id)
);
CREATE INDEX committee_members_person ON committee_members (person_id);

CREATE TABLE committee_secretaries (
  committee_id uuid NOT NULL REFERENCES committees (id),
  person_id uuid NOT NULL REFERENCES people (id),
  PRIMARY KEY (committee_id, person_id)
);
CREATE INDEX committee_secretaries_person ON committee_secretaries (person_id);

-- Only a hash of each one-time code is kept: a database reader cannot enrol a device with it.
CREATE TABLE enrolment_codes (
  code_hash text PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES people (id),
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX enrolment_codes_person ON enrolment_codes (person_id);

CREATE TABLE devices (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  person_id uuid NOT NULL REFERENCES people (id),
  alg text NOT NULL CHECK (alg IN ('ES256', 'Ed25519')),
  public_key text NOT NULL,
  fingerprint text NOT NULL UNIQUE,
  label text,
  enrolled_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
CREATE INDEX devices_person ON devices (person_id);

CREATE TABLE login_challenges (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  device_id uuid NOT NULL REFERENCES devices (id),
  challenge text NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);

CREATE TABLE meetings (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  committee_id uuid NOT NULL REFERENCES committees (id),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  state text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'open', 'closed')),
  attendance_recorded boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  opened_at timestamptz,
  closed_at timestamptz
);
CREATE INDEX meetings_committee ON meetings (committee_id);

CREATE TABLE attendance (
  meeting_id uuid NOT NULL REFERENCES meetings (id),
  person_id uuid NOT NULL REFERENCES people (id),
  PRIMARY KEY (meeting_id, person_id)
);
