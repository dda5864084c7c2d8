-- A lost redeem answer (issue 15). The phone draws a random redemption nonce before it first
-- sends a slip's code, and sends it with the code until it holds the credential. The service
-- keeps only the nonce's SHA-256 with the spent slip, so the same phone (the same code with the
-- same nonce), within the credential's lifetime, gets a fresh credential for the same slip; any
-- other use of the spent code is still refused. The nonce names nothing but the slip's phone,
-- and it is never sent with a ballot.
ALTER TABLE participation_slips ADD COLUMN redeem_nonce_hash text CHECK (redeem_nonce_hash IS NULL OR redeemed_at IS NOT NULL);
