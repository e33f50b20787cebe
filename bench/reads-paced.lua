-- wrk script: the reads of reads-longtail.lua, paced: each connection waits 2 ms after every answer, so
-- 16 connections ask at most 8 000 times a second, about 5 500 with the answers' own time (issue 10's
-- bar: 5 x the 863 reads/s v1 managed under full-rate ingest = 4 315; a 3 ms pause gave 3 890). Used by scripts/bench.sh for the paced mixed run: ingest at full rate while
-- reads come at a page-like rate, instead of taking half the cores as the unpaced run's reads do.
dofile("bench/reads-longtail.lua")
delay = function()
  return 2
end
