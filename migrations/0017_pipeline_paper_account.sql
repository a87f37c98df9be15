-- The paper account a pipeline's trading steps use, named once per pipeline; null: the
-- pipeline's own account, "pipeline-<id>" (shared/ledger/accounts.ts, pipelineAccountName).
ALTER TABLE pipelines ADD COLUMN account text;
