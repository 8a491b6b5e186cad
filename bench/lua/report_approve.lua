dofile(os.getenv("FEIDI_BENCH_DIR") .. "/lua/common.lua")
-- Approving the reports of the last month that has ended (all awaiting review in a generated
-- programme), one project after another.
local month = os.getenv("FEIDI_MONTH_APPROVE")
setup = walk_setup
function request()
  return wrk.format("POST", "/api/v1/projects/" .. next_project() .. "/reports/" .. month .. "/approve", nil, "{}")
end
