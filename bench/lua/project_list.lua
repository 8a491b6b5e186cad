dofile(os.getenv("FEIDI_BENCH_DIR") .. "/lua/common.lua")
function request()
  local zone = zone_first + math.random(0, zones - 1)
  local category = categories[math.random(1, 3)]
  return wrk.format("GET", "/api/v1/projects?category=" .. category .. "&zone_id=" .. zone .. "&page=1&per_page=25")
end
