-- Sessions opened by the boot script, as in L4Re: channel:create(L4.Proto.Echo, args...)
-- is a session at the echo server behind the channel. ned opens it when it starts the
-- program it is handed to, its gate paid by that program's factory (its quota), and
-- closes it when the program ends; a restart gets a new one. The clients only call the
-- session they were given (echo-client's capability "echo_session"). Then every mistake a
-- script can make with it is one clear error, and ned and the server go on. At the end
-- the server has no session open and the clients' factory is back where it was.
local L4 = require("L4")
local ld = L4.default_loader

local KiB = 1024
local failures = 0
local function check(ok, what)
    if not ok then
        failures = failures + 1
        print("sessions: FAILED: " .. what)
    end
end

-- The clients' memory, apart from ned's own (whose Lua heap grows as it pleases), so its
-- use can be read back exactly at the end.
local mem = L4.Env.factory:create(L4.Proto.Factory, 8192 * KiB, "clients")
local clients = L4.Loader.new({ mem = mem })
local before = mem:factory_info().used

local channel = ld:new_channel()
-- Made before the server runs: opened when its program starts, whether or not the server
-- has bound the channel by then (ned waits for it).
local early = channel:create(L4.Proto.Echo, "early")
local server = ld:start({ caps = { echo = channel:svr() }, log = { "server", "blue" } },
                        "rom/echo-server.elf")

local function client(request, tag, options, command)
    options.caps = { echo_session = request }
    options.log = { tag, "yellow" }
    return clients:start(options, "rom/echo-client.elf " .. command)
end

local alpha = client(channel:create(L4.Proto.Echo, "alpha"), "alpha", { quota = 1024 * KiB },
                     "hello sessions")
-- One request handed to two programs: a session each, paid by the clients' factory.
local shared = channel:create(L4.Proto.Echo)
local left = client(shared, "left", {}, "left")
local right = client(shared, "right", {}, "right")
local first = client(early, "early", { quota = 1024 * KiB }, "first")
-- Exits with 3 after right answers; its restart gets a new session through a new quota.
local again = client(channel:create(L4.Proto.Echo, "again"), "again",
                     { quota = 1024 * KiB, restart = 1 }, "--status=3 twice")

for _, pair in ipairs({ { "alpha", alpha }, { "left", left }, { "right", right },
                        { "early", first } }) do
    local name, app = pair[1], pair[2]
    local status = app:wait()
    print("sessions: " .. name .. " exited with status " .. tostring(status))
    check(status == 0, name .. " exited with " .. tostring(status))
end
local status = again:wait()
print("sessions: again exited with status " .. tostring(status) .. " after " ..
      again.restarts .. " restart")
check(status == 3 and again.restarts == 1, "the restarted client's session")

-- Mistakes: each one message naming the culprit; ned and the server go on.
local function try(what, f)
    local ok, message = pcall(f)
    print(what .. ": " .. (ok and "no error" or message))
    check(not ok, what .. " was not refused")
end
local function start_with(request)
    return client(request, "wrong", { quota = 1024 * KiB }, "never")
end
try("wrong protocol", function() start_with(channel:create(L4.Proto.Rm)) end)
try("long name", function() start_with(channel:create(L4.Proto.Echo, string.rep("n", 17))) end)
try("unprintable name", function() start_with(channel:create(L4.Proto.Echo, "bell\7")) end)
try("number for name", function() start_with(channel:create(L4.Proto.Echo, 5)) end)
try("word after name", function() start_with(channel:create(L4.Proto.Echo, "ab", 1)) end)
try("table argument", function() channel:create(L4.Proto.Echo, {}) end)
try("negative number", function() channel:create(L4.Proto.Echo, -1) end)
try("too many words", function() channel:create(L4.Proto.Echo, string.rep("w", 40)) end)
try("unlisted protocol", function() channel:create(0x7001) end)
try("no channel", function() L4.Env.scheduler:create(L4.Proto.Echo) end)
try("a log", function() start_with(L4.Env.log:create(L4.Proto.Echo)) end)
try("moe's factory", function() start_with(L4.Env.factory:create(L4.Proto.Echo)) end)
try("unserved channel", function() start_with(ld:new_channel():create(L4.Proto.Echo)) end)

local after = client(channel:create(L4.Proto.Echo, "after"), "after", {}, "still served")
status = after:wait()
print("sessions: after the mistakes a client exited with status " .. tostring(status))
check(status == 0, "the server after the mistakes")

-- The server learns of a closed session from its no-clients watch: soon, not at once.
local open
for _ = 1, 1000 do
    open = channel:session_info().open
    if open == 0 then break end
    L4.msleep(10)
end
local used = mem:factory_info().used
print("sessions: the server has " .. open .. " sessions open")
print("sessions: the clients' factory uses " .. used .. " bytes (before: " .. before .. ")")
check(open == 0, "sessions left open")
check(used == before, "the clients' factory is not back")
print(failures == 0 and "sessions: all checks passed" or
      "sessions: " .. failures .. " checks FAILED")
server:kill()
