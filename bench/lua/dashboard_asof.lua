dofile(os.getenv("FEIDI_BENCH_DIR") .. "/lua/common.lua")
-- The programme taken as of a past day: its own figures, kept like today's.
function request()
  return wrk.format("GET", "/api/v1/dashboard?as_of=" .. (os.getenv("FEIDI_AS_OF") or "2025-06-30"))
end
