-- Credentials issued through the W3C VC API are the caller's own documents: no achievement.
ALTER TABLE credentials ALTER COLUMN achievement_id DROP NOT NULL;
ALTER TABLE credentials ALTER COLUMN achievement_version DROP NOT NULL;

-- The issuer profile POST /credentials/issue signs as when the request names none of the
-- platform's issuers.
ALTER TABLE platforms ADD COLUMN default_issuer_id uuid REFERENCES issuers (id);
