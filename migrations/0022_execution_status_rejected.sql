-- A run whose trade was refused (cash, the position cap, a size of 0, shorting) ends `rejected`,
-- not `skipped`: a trader reads the outcome from the status, and the reason from
-- result.halted.reason. The value is used from the next migration on (a new enum value cannot be
-- used in the transaction that adds it).
ALTER TYPE execution_status ADD VALUE IF NOT EXISTS 'rejected' AFTER 'skipped';
