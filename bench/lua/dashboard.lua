dofile(os.getenv("FEIDI_BENCH_DIR") .. "/lua/common.lua")
function request()
  return wrk.format("GET", "/api/v1/dashboard")
end
