dofile(os.getenv("FEIDI_BENCH_DIR") .. "/lua/common.lua")
-- This month's report for one project after another: each thread walks its own ids, so no two
-- requests race for one report.
local month = os.getenv("FEIDI_MONTH_PUT")
local threads_seen = 0
function setup(thread)
  thread:set("tid", threads_seen)
  threads_seen = threads_seen + 1
end
local n = 0
function request()
  local id = 1 + ((tid or 0) + 2 * n) % projects
  n = n + 1
  local body = '{"completed_investment":"' .. math.random(10000, 9000000) .. '.25","progress_note":"主体施工"}'
  return wrk.format("PUT", "/api/v1/projects/" .. id .. "/reports/" .. month, nil, body)
end
