dofile(os.getenv("FEIDI_BENCH_DIR") .. "/lua/common.lua")
-- An official's inbox, first page of 50 (the official's token in FEIDI_OFFICIAL_TOKEN).
function init(args)
  math.randomseed(seed or os.time())
  wrk.headers["Authorization"] = "Bearer " .. (os.getenv("FEIDI_OFFICIAL_TOKEN") or "")
end
function request()
  return wrk.format("GET", os.getenv("FEIDI_INBOX_PATH") or "/api/v1/inbox")
end
