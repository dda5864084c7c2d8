-- The service key a database was first used with. Vote secrets and sealed ballots are sealed
-- under keys derived from it, and receipts and tallies are signed with it, so an instance with
-- another key (a second instance given its own data folder, say) must not start against this
-- database: it could neither open what the others sealed nor sign what observers check.
CREATE TABLE service_key (
  only_row BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row),
  kid TEXT NOT NULL
);
