-- A photo's mean colour (0xRRGGBB), written when its previews are made; pages paint it while
-- the preview loads. NULL until then, and again when the content changes (the scan's upsert).
ALTER TABLE photos ADD COLUMN colour INTEGER;
