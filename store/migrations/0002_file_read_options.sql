-- 0002: how DuckDB reads each file asset (files.ReadOptions as JSON), so
-- every process builds the same view without sniffing again.

ALTER TABLE file_assets ADD COLUMN read_options TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(read_options));
