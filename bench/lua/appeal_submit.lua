dofile(os.getenv("FEIDI_BENCH_DIR") .. "/lua/common.lua")
-- An enterprise appeal a request, from a staff member on an enterprise's behalf (admin token).
local enterprises = tonumber(os.getenv("FEIDI_ENTERPRISES") or "5000")
local enterprise_first = tonumber(os.getenv("FEIDI_ENTERPRISE_FIRST") or "1")
local topics = { "land", "approvals", "finance", "labour", "utilities", "policy", "other", "urgent" }
local n = 0
function request()
  n = n + 1
  local body = '{"enterprise_id":' .. (enterprise_first + math.random(0, enterprises - 1)) ..
    ',"category":"' .. topics[math.random(1, #topics)] .. '","title":"压测诉求' .. n ..
    '","description":"园区企业反映的问题，请协调解决"}'
  return wrk.format("POST", "/api/v1/appeals", nil, body)
end
