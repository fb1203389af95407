-- Schema version 2: a DOL case number (I-200-19268-393130: a capital letter
-- and 3, 5 and 6 digits) is kept as the BIGINT case_code,
--   (letter - 'A') * 10^14 + d3 * 10^11 + d5 * 10^6 + d6,
-- which stores in a fraction of the time and space of millions of unique
-- strings. case_number keeps only case numbers of any other shape. The
-- packing is exact both ways:
--   printf('%s-%03d-%05d-%06d', chr(CAST(65 + case_code // 100000000000000 AS INTEGER)),
--          (case_code // 100000000000) % 1000, (case_code // 1000000) % 100000,
--          case_code % 1000000)
ALTER TABLE observations ADD COLUMN case_code BIGINT;

UPDATE observations
SET case_code = (ascii(substr(case_number, 1, 1)) - 65) * 100000000000000
              + CAST(substr(case_number, 3, 3) AS BIGINT) * 100000000000
              + CAST(substr(case_number, 7, 5) AS BIGINT) * 1000000
              + CAST(substr(case_number, 13, 6) AS BIGINT),
    case_number = NULL
WHERE regexp_full_match(case_number, '[A-Z]-[0-9]{3}-[0-9]{5}-[0-9]{6}');
