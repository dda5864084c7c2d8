-- At most one run-off (再次票决) per vote: two clicks on "run off" must not create two.
CREATE UNIQUE INDEX votes_one_runoff ON votes (runoff_of) WHERE runoff_of IS NOT NULL;

-- From this version on, ballots.ballot holds the ballot sealed under a key derived from the
-- service key (src/votes/sealing.ts) until the close publishes it: a database administrator
-- cannot read running counts while a vote is open.
COMMENT ON COLUMN ballots.ballot IS 'canonical JSON of the ballot, sealed (XChaCha20-Poly1305, AAD voteId\ntoken) until the close';
