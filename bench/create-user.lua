-- wrk script: each request creates a new user (extension, login, device and voicemail box) in the
-- domain `bench.example` through the portal's create-user server function. Every thread numbers
-- its own extensions, so no two requests ask for the same one.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  cookie = os.getenv("ROSTER_COOKIE")
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Accept"] = "application/json"
  wrk.headers["Cookie"] = cookie
end

function request()
  counter = counter + 1
  local ext = string.format("%d%06d", id, counter)
  local body = "domain=bench.example&input%5Buser%5D=" .. ext ..
    "&input%5Bname-first-name%5D=Bench&input%5Bname-last-name%5D=User" .. ext ..
    "&input%5Bemail%5D=u" .. ext .. "%40bench.example"
  return wrk.format(nil, "/api/create-user", nil, body)
end
