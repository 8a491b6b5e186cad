-- A small JPEG of each attached photo (at most 320 px a side), for the appeal page on a phone:
-- the original may be a 10 MB camera photo. None for a PDF, or a picture that would not
-- decode within the limits.
ALTER TABLE appeal_attachments ADD COLUMN thumb {{blob}};
