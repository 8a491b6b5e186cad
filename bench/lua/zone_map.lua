dofile(os.getenv("FEIDI_BENCH_DIR") .. "/lua/common.lua")
-- A zone's page with its map: 5,000 parcels drawn as SVG on the server.
function request()
  return wrk.format("GET", "/zones/" .. (zone_first + math.random(0, zones - 1)))
end
