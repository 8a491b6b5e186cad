dofile(os.getenv("FEIDI_BENCH_DIR") .. "/lua/common.lua")
-- This month's report for one project after another.
local month = os.getenv("FEIDI_MONTH_PUT")
setup = walk_setup
function request()
  local body = '{"completed_investment":"' .. math.random(10000, 9000000) .. '.25","progress_note":"主体施工"}'
  return wrk.format("PUT", "/api/v1/projects/" .. next_project() .. "/reports/" .. month, nil, body)
end
