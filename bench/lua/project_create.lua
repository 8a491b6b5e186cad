dofile(os.getenv("FEIDI_BENCH_DIR") .. "/lua/common.lua")
local n = 0
function request()
  n = n + 1
  local zone = zone_first + math.random(0, zones - 1)
  local body = '{"name":"压测项目' .. n .. '","category":"industrial","zone_id":' .. zone ..
    ',"total_investment":"' .. math.random(1000000, 900000000) .. '.50","phase":"一期"}'
  return wrk.format("POST", "/api/v1/projects", nil, body)
end
