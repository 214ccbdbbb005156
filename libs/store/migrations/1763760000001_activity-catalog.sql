-- Up Migration

-- Activity catalog published by workers at start-up, read by the gateway for validation.
CREATE TABLE activity_catalog (
  name           text        PRIMARY KEY,
  description    text,
  input_schema   jsonb,
  output_schema  jsonb,
  published_by   text        NOT NULL,
  updated_at     timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE activity_catalog;
