-- Shared by feidi's wrk scripts: the bearer token comes from the environment, and each
-- request picks its own random ids, as real users spread over the data do.
token = os.getenv("FEIDI_TOKEN") or ""
projects = tonumber(os.getenv("FEIDI_PROJECTS") or "50000")
zone_first = tonumber(os.getenv("FEIDI_ZONE_FIRST") or "1")
zones = 20
categories = { "industrial", "infrastructure", "supporting" }

function setup(thread)
  thread:set("seed", math.random(1, 1000000))
end

function init(args)
  math.randomseed(seed or os.time())
  wrk.headers["Authorization"] = "Bearer " .. token
  wrk.headers["Content-Type"] = "application/json"
end

-- For the write scripts: each thread walks its own project ids (two threads: odd and even),
-- so no two requests race for one record. A script sets `setup = walk_setup`.
local threads_seen = 0
function walk_setup(thread)
  thread:set("seed", math.random(1, 1000000))
  thread:set("tid", threads_seen)
  threads_seen = threads_seen + 1
end
local walked = 0
function next_project()
  local id = 1 + ((tid or 0) + 2 * walked) % projects
  walked = walked + 1
  return id
end
