-- Subsystem (issue 14): ned starts an echo server, then starts a subsystem with a quota
-- of its own and kills it, CYCLES times. Each run (tests/programs/subsystem.c) holds an
-- echo session whose gate its quota pays for, a gate and a notification made through
-- FACTORY, a thread of its own blocked serving that gate, and 64 KiB of FACTORY UNTYPED
-- retyped into objects it uses, and says "ready" in a namespace ned gave it. ned kills
-- it and DESTROYs its quota. After every cycle moe's free memory and own use, ned's
-- factory, the server's factory and the server's sessions, registered objects and free
-- slots must be exactly what they were before the cycle, and after the last one what
-- they were after the warm-up; then a client's session must still be answered.
--   ./pecan run subsystem --set cycles=10
local L4 = require("L4")
local ld = L4.default_loader

local CYCLES = tonumber(L4.Args.cycles or "100")
local QUOTA = 1024 * 1024              -- the subsystem's: program, stacks, 64 KiB untyped
local SERVER_QUOTA = 2 * 1024 * 1024
local POLL_MS = 10                     -- one kernel tick
local SETTLE_POLLS = 1000              -- a session ends at the server when its no-clients
                                       -- notification is served: wait for it, up to 10 s
local PROGRAM = "rom/subsystem.elf"

local factory = L4.Env.factory
local board = factory:create(L4.Proto.Namespace)   -- where the subsystem says "ready"
local channel = ld:new_channel()
local server_mem = factory:create(L4.Proto.Factory, SERVER_QUOTA, "echo-server")
local server = ld:start({ caps = { echo = channel:svr() }, mem = server_mem,
                          log = { "echo", "blue" } }, "rom/echo-server.elf --threads=2")
local failures = 0

local function check(ok, what)
    if not ok then
        print("subsystem: " .. what .. " (FAILED)")
        failures = failures + 1
    end
    return ok
end

-- Everything a cycle must bring back, with Lua's garbage (capability slots) gone first.
-- The server's figures are read before moe's: memory it takes in between then shows in
-- moe's figure only, never in its own alone.
local function figures()
    collectgarbage("collect")
    local served, sessions = server_mem:factory_info(), channel:session_info()
    local ned = factory:factory_info()
    return { moe_free = ned.moe_free, moe_own = ned.moe_own, ned_used = ned.used,
             ned_objects = ned.objects, server_used = served.used, open = sessions.open,
             objects = sessions.objects, free_slots = sessions.free_slots }
end

local FIELDS = { "moe_free", "moe_own", "ned_used", "ned_objects", "server_used", "open",
                 "objects", "free_slots" }

-- The fields that differ, as "name now (want)", or nil if none does.
local function differences(now, want)
    local text
    for _, k in ipairs(FIELDS) do
        if now[k] ~= want[k] then
            text = (text and text .. ", " or "") .. k .. " " .. tostring(now[k]) .. " (" ..
                   tostring(want[k]) .. ")"
        end
    end
    return text
end

-- The figures once they equal want, or the last ones after SETTLE_POLLS polls.
local function settle(want)
    local now = figures()
    for _ = 1, SETTLE_POLLS do
        if not differences(now, want) then break end
        L4.process_events(POLL_MS)
        now = figures()
    end
    return now
end

-- The figures once the server has `open` sessions open and they stay the same over a
-- poll (a server thread still starting, moe freeing a destroyed dataspace's pages in
-- background steps), or the last ones.
local function quiet(open)
    local now = figures()
    for _ = 1, SETTLE_POLLS do
        L4.process_events(POLL_MS)
        local later = figures()
        if now.open == open and not differences(later, now) then break end
        now = later
    end
    return now
end

-- Waits until the subsystem has registered "ready", serving exits meanwhile; false if it
-- ended first (it failed: it prints why).
local function wait_ready(app)
    while true do
        if board:q("ready")() then return true end
        if app.exited then return false end
        L4.process_events(POLL_MS)
    end
end

-- One start and kill: whether the subsystem was ready, and (unless it is the warm-up)
-- the figures after it, which must equal those from before.
local function one_cycle(n, warm_up)
    local before = figures()
    check(board:q("ready")() == nil, "cycle " .. n .. ": a ready entry before the start")
    local app = ld:startv({ quota = QUOTA, log = L4.Env.log,
                            caps = { echo = channel, board = board:m("ws") } },
                          PROGRAM, tostring(n), tostring(CYCLES))
    local ready = wait_ready(app)
    if check(ready, "cycle " .. n .. ": the subsystem ended before it was ready: " ..
                    tostring(app.status)) then
        check(channel:session_info().open == before.open + 1,
              "cycle " .. n .. ": its session is not open at the server")
    end
    check(app:kill() == "killed", "cycle " .. n .. ": not killed")
    -- The entry named a notification of its quota: it went with it (and the dead entry's
    -- record goes back to ned's factory with this lookup).
    check(board:q("ready")() == nil, "cycle " .. n .. ": the ready entry outlived it")
    if warm_up then return ready end
    local after = settle(before)
    local wrong = differences(after, before)
    check(not wrong, "cycle " .. n .. ": not back: " .. tostring(wrong))
    return ready, after
end

-- A warm-up cycle first: ned's children library keeps the parent gate of a released child for
-- the next one, the server's heap and second thread take what serving a session needs,
-- Lua's tables grow. All of it is charged to ned's or the server's factory and nothing
-- else: moe's free memory falls by at most what their use grows, and moe's own use does
-- not move. The server's second thread may still be starting when it first answers:
-- the figures from before are taken once they stay the same.
local start = quiet(0)
one_cycle(0, true)
local base = quiet(start.open)
local grown = base.ned_used - start.ned_used + base.server_used - start.server_used
print("subsystem: warm-up cycle: ned and the server keep " .. grown .. " bytes more; moe free " ..
      start.moe_free .. " -> " .. base.moe_free .. ", moe's own " .. start.moe_own .. " -> " ..
      base.moe_own)
check(start.moe_free - base.moe_free <= grown and base.moe_own == start.moe_own,
      "the warm-up cycle lost memory outside ned's and the server's factories")
print("subsystem: baseline after the warm-up: moe free " .. base.moe_free .. " bytes, moe's own " ..
      base.moe_own .. " bytes; server: " .. base.open .. " sessions, " .. base.objects ..
      " objects, " .. base.free_slots .. " free slots")
local ready_count = 0
for n = 1, CYCLES do
    local ready, now = one_cycle(n)
    if ready then ready_count = ready_count + 1 end
    if n % 25 == 0 then
        print("subsystem: " .. n .. " cycles: moe free " .. now.moe_free .. " bytes")
    end
end
local last = settle(base)
print("subsystem: " .. ready_count .. " of " .. CYCLES .. " cycles reached ready")
print("subsystem: moe free " .. last.moe_free .. " bytes (before: " .. base.moe_free ..
      "), moe's own " .. last.moe_own .. " bytes (before: " .. base.moe_own .. ")")
print("subsystem: server: " .. last.open .. " sessions (before: " .. base.open .. "), " ..
      last.objects .. " objects (before: " .. base.objects .. "), " .. last.free_slots ..
      " free slots (before: " .. base.free_slots .. ")")
check(ready_count == CYCLES, "not every cycle reached ready")
check(not differences(last, base), "not back at the baseline: " ..
                                    tostring(differences(last, base)))

-- The server still answers a new client, which leaves nothing behind either.
local client = ld:start({ caps = { echo = channel }, quota = QUOTA, log = L4.Env.log },
                        "rom/echo-client.elf after the subsystems")
check(client:wait() == 0, "the echo client after the cycles failed")
check(not differences(settle(base), base), "not back after the echo client")
server:kill()
if failures > 0 then error("subsystem: " .. failures .. " checks failed") end
print("subsystem: all checks passed")
