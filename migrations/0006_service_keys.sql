-- The service keys a database knows, by id (RFC 7638 thumbprint): exactly one active key, which
-- signs and seals, and the keys it replaced (`piaojue keys rotate`), which every instance must
-- still hold to open what they sealed and to publish in its JWKS. Only their ids are stored:
-- the private keys stay outside the database. The one key recorded by 0005 becomes the active one.
CREATE TABLE service_keys (
  kid TEXT PRIMARY KEY,
  active BOOLEAN NOT NULL,
  added_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  retired_at TIMESTAMPTZ,
  CHECK (active = (retired_at IS NULL))
);
CREATE UNIQUE INDEX service_keys_one_active ON service_keys (active) WHERE active;
INSERT INTO service_keys (kid, active) SELECT kid, TRUE FROM service_key;
DROP TABLE service_key;
