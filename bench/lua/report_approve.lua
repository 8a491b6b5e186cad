dofile(os.getenv("FEIDI_BENCH_DIR") .. "/lua/common.lua")
-- Approving last month's reports (all awaiting review in a generated programme), one project
-- after another, each thread its own ids.
local month = os.getenv("FEIDI_MONTH_APPROVE")
local threads_seen = 0
function setup(thread)
  thread:set("tid", threads_seen)
  threads_seen = threads_seen + 1
end
local n = 0
function request()
  local id = 1 + ((tid or 0) + 2 * n) % projects
  n = n + 1
  return wrk.format("POST", "/api/v1/projects/" .. id .. "/reports/" .. month .. "/approve", nil, "{}")
end
