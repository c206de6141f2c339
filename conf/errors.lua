-- Every mistake a script can make gets one message naming the culprit, and ned goes on:
-- each case runs in pcall and its message is printed; then a run-time error ends the
-- script with its file and line, and ned keeps serving.
local L4 = require("L4")
local ld = L4.default_loader

local function try(what, f)
    local ok, message = pcall(f)
    print(what .. ": " .. (ok and "no error" or message))
end

try("missing program", function() ld:start({}, "rom/no-such-program.elf") end)
try("name used twice", function()
    ld:start({ caps = { { "echo", L4.Env.log }, { "echo", L4.Env.rom } } }, "rom/hello.elf")
end)
try("quota too large", function() ld:start({ quota = 1024 * 1024 * 1024 }, "rom/hello.elf") end)
try("bad option", function() ld:start({ capz = {} }, "rom/hello.elf") end)
try("syntax error", function() assert(loadstring("local x = = 1", "=rom/broken.lua")) end)

-- A server that takes the session open and never answers: the start fails after
-- L4.session_timeout_ms with a message, rather than hanging the script.
try("server never answers", function()
    local mute = ld:new_channel()
    local server = ld:start({ caps = { svr = mute:svr(), nowhere = ld:new_channel() },
                              log = { "mute", "red" } },
                            "rom/mute_server.elf")
    L4.session_timeout_ms = 500
    local ok, message = pcall(ld.start, ld, { caps = { echo = mute:create(L4.Proto.Echo) } },
                              "rom/hello.elf")
    L4.session_timeout_ms = 30000
    server:kill()
    server:wait()
    if not ok then error(message, 0) end
end)

local ok = ld:start({ log = { "hello", "green" } }, "rom/hello.elf still works")
print("hello exited with status " .. tostring(ok:wait()))
local missing = nil
print(missing.field)   -- a run-time error: reported with this file and line
