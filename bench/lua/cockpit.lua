dofile(os.getenv("FEIDI_BENCH_DIR") .. "/lua/common.lua")
-- The cockpit page (HTML with its SVG charts), with the same bearer token as the API.
function request()
  return wrk.format("GET", "/cockpit")
end
