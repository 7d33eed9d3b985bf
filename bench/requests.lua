-- wrk script: what users do, every request distinct. No two requests of a run share a URI (each
-- carries its own number `n`), reads walk all the users of the domain, pages start anywhere,
-- searches look for different names, and writes change different users or create new ones.
--
-- Environment:
--   BENCH_MODE    bare | get-user | list (a page of 50 from a random offset, `start`) | list-after
--                 (a page of 50 after a random user: the keyset cursor a full page's Link header
--                 gives for it) | page | search | put-user | create | mix (95% get-user, 5%
--                 put-user, interleaved)
--   BENCH_HEADER  one header to send, "Name: value" (an API key, or a session cookie)
--   BENCH_DOMAIN  the domain of the users (default bench.example)
--   BENCH_FIRST   the first user's extension (default 100000)
--   BENCH_USERS   how many users it has, numbered on from BENCH_FIRST (default 10000)
--   BENCH_DOMAINS for create: users are spread over customer01..customerNN.example (default 40)
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  mode = os.getenv("BENCH_MODE")
  domain = os.getenv("BENCH_DOMAIN") or "bench.example"
  first = tonumber(os.getenv("BENCH_FIRST") or "100000")
  users = tonumber(os.getenv("BENCH_USERS") or "10000")
  domains = tonumber(os.getenv("BENCH_DOMAINS") or "40")
  local header = os.getenv("BENCH_HEADER")
  if header then
    local name, value = header:match("^([^:]+):%s*(.*)$")
    wrk.headers[name] = value
  end
  -- wrk.format replaces wrk.headers with a table it is given, so the writes' JSON type goes here.
  if mode == "put-user" or mode == "create" or mode == "mix" then
    wrk.headers["Content-Type"] = "application/json"
  end
  counter = 0
  math.randomseed(id * 7919)
  -- The first names the domain's users have (see bench/run.sh): what a search looks for.
  names = {"ada", "grace", "alan", "linus", "ken", "barbara", "edsger", "donald", "margaret", "dennis"}
end

-- The cursor a page in extension order gives for the page after `extension` (a numeric one):
-- its sort key (the extension zero-padded to 16 digits) as a JSON array, in hexadecimal.
function cursor_after(extension)
  local json = '["' .. string.format("%016d", extension) .. '"]'
  return (json:gsub(".", function(c) return string.format("%02x", c:byte()) end))
end

function request()
  counter = counter + 1
  -- Unique in the run: the thread's number and its own count.
  local n = id * 10000000 + counter
  local user = first + (n * 7919) % users
  local base = "/ns-api/v2/domains/" .. domain .. "/users"
  local mode_now
  if mode == "mix" then
    mode_now = (counter % 20 == 0) and "put-user" or "get-user"
  else
    mode_now = mode
  end
  if mode_now == "bare" then
    return wrk.format("GET", "/?n=" .. n)
  elseif mode_now == "get-user" then
    return wrk.format("GET", base .. "/" .. user .. "?n=" .. n)
  elseif mode_now == "list" then
    return wrk.format("GET", base .. "?limit=50&start=" .. math.random(0, users - 50) .. "&n=" .. n)
  elseif mode_now == "list-after" then
    local from = first + math.random(0, users - 50)
    return wrk.format("GET", base .. "?limit=50&after=" .. cursor_after(from) .. "&n=" .. n)
  elseif mode_now == "page" then
    local start = 50 * math.random(0, users / 50 - 1)
    return wrk.format("GET", "/domains/" .. domain .. "/users?start=" .. start .. "&n=" .. n)
  elseif mode_now == "search" then
    local word = names[math.random(#names)] .. (math.random(0, 9))
    return wrk.format("GET", base .. "?limit=50&search=" .. word .. "&n=" .. n)
  elseif mode_now == "put-user" then
    local body = '{"status-message": "bench ' .. n .. '"}'
    return wrk.format("PUT", base .. "/" .. user .. "?n=" .. n, nil, body)
  elseif mode_now == "create" then
    local target = string.format("customer%02d.example", n % domains + 1)
    local body = '{"user": "' .. n .. '", "name-first-name": "Bench", "name-last-name": "User' .. n ..
      '", "email": "u' .. n .. '@bench.example"}'
    return wrk.format("POST", "/ns-api/v2/domains/" .. target .. "/users?n=" .. n, nil, body)
  end
end
