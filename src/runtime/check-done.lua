-- Completes the run (KEYS[1]) when nothing is left to count, e.g. every item was skipped
-- (complete_if_done, from complete-if-done.lua). ARGV: now. Returns 2 when this call completed it, else 1.
return complete_if_done(ARGV[1])
