dofile(os.getenv("FEIDI_BENCH_DIR") .. "/lua/common.lua")
-- The next step of one planned parcel after another (the generated planned parcels follow
-- the supplied ones). Each thread walks its own half; a second pass takes the step after.
local first = tonumber(os.getenv("FEIDI_PLANNED_FIRST") or "50001")
local count = tonumber(os.getenv("FEIDI_PLANNED_COUNT") or "50000")
local pipeline = { "approved", "acquired", "cleared", "delivered" }
setup = walk_setup
local walked = 0
function request()
  local k = (tid or 0) + 2 * walked
  walked = walked + 1
  local id = first + k % count
  local status = pipeline[math.min(#pipeline, 1 + math.floor(k / count))]
  local body = '{"status":"' .. status .. '","date":"2023-01-10","document_no":"示例文号"}'
  return wrk.format("POST", "/api/v1/parcels/" .. id .. "/steps", nil, body)
end
