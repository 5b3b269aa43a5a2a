-- Album order is `taken_at ASC NULLS LAST, filename, id`; keyset chunks of an album
-- (`Reader::album_chunk`) walk this index in that order, dated and undated photos each as one
-- range, and stop after a chunk. It replaces `photos_album`, its prefix.
CREATE INDEX photos_album_order ON photos (album_id, taken_at, filename, id);
DROP INDEX photos_album;
