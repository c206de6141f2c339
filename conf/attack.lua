-- Attack (issue 13): ned starts a hostile program and kills it, CYCLES times. Each time
-- it builds reference cycles (a namespace holding itself and its factory, namespaces
-- holding each other, sub-factories held by their own namespaces) and fills its quota
-- until every kind of object is refused (tests/moe/attacker.c). Releasing
-- capabilities would leave all that alive; ned DESTROYs the program's quota when it
-- ends, so moe's free memory must be back exactly at the figure from before, and a victim
-- must then still allocate, take page faults and start a program.
local L4 = require("L4")
local ld = L4.default_loader

local CYCLES = 100
local QUOTA = 4 * 1024 * 1024          -- the attacker's: the fill ends at it (moe has no
                                       -- table of its own to fill)
local VICTIM_QUOTA = 8 * 1024 * 1024
local POLL_MS = 10                     -- one kernel tick
local PROGRAM = "rom/moe_attacker.elf"

local factory = L4.Env.factory
local board = factory:create(L4.Proto.Namespace)   -- where the attacker says "ready"
local failures = 0

local function check(ok, what)
    if not ok then
        print("attack: " .. what .. " (FAILED)")
        failures = failures + 1
    end
end

-- ned's factory and moe's figures, with Lua's garbage (capability slots) gone first.
local function figures()
    collectgarbage("collect")
    return factory:factory_info()
end

-- Waits until the attacker has registered "ready" (its fill is over), serving exits
-- meanwhile; false if it ended first.
local function wait_ready(app)
    while true do
        if board:q("ready")() then return true end
        if app.exited then return false end
        L4.process_events(POLL_MS)
    end
end

local function one_cycle(n)
    local app = ld:startv({ quota = QUOTA, log = L4.Env.log, caps = { board = board:m("ws") } },
                          PROGRAM, "attack", tostring(n), tostring(CYCLES))
    check(wait_ready(app), "cycle " .. n .. ": the attacker ended before it was ready: " ..
                           tostring(app.status))
    check(app:kill() == "killed", "cycle " .. n .. ": not killed")
    -- ned's heap would otherwise grow with Lua's uncollected garbage (ned's own pages,
    -- charged to ned's factory, not a leak of moe's): keep it where the baseline saw it.
    collectgarbage("collect")
end

-- A warm-up cycle first: ned's children library keeps the parent gate of a released child for
-- the next one (charged to ned's factory), so the first start leaves ned one gate more.
-- Whatever ned keeps is charged to ned's factory and nothing else: moe's free memory
-- falls by at most what ned's use grows (a capability slot moe keeps for ned costs its
-- quota MEMORY_SLOT_PRICE but takes no memory), and moe's own use does not move.
local start = figures()
one_cycle(0)
local before = figures()
print("attack: warm-up cycle: ned keeps " .. (before.used - start.used) .. " bytes more; " ..
      "moe free " .. before.moe_free .. " bytes, ned's factory uses " .. before.used ..
      " bytes in " .. before.objects .. " objects")
check(start.moe_free - before.moe_free <= before.used - start.used and
      before.moe_own == start.moe_own,
      "the warm-up cycle lost memory outside ned's factory")
for n = 1, CYCLES do
    one_cycle(n)
    if n % 25 == 0 then
        print("attack: " .. n .. " cycles: moe free " .. figures().moe_free .. " bytes")
    end
end
local after = figures()
print("attack: " .. CYCLES .. " cycles; moe free memory " .. after.moe_free ..
      " bytes (before: " .. before.moe_free .. ")")
print("attack: ned's factory uses " .. after.used .. " bytes in " .. after.objects ..
      " objects (before: " .. before.used .. " in " .. before.objects .. ")")
check(after.moe_free == before.moe_free, "moe's free memory is not back at the baseline")
check(after.used == before.used and after.objects == before.objects,
      "ned's factory is not back at its use from before")

-- The other ways a program ends: an exit, a crash (its task gone without an exit) and a
-- restart (ned destroys the old quota before it makes the new one).
local EXIT_STATUS = 7   -- the attacker's after "exit" (tests/moe/attacker.c)
local function ending(opts, how)
    opts.quota, opts.log = QUOTA, L4.Env.log
    return ld:startv(opts, PROGRAM, "attack", "0", tostring(CYCLES), how)
end
check(ending({}, "exit"):wait() == EXIT_STATUS, "the exiting attacker")
check(ending({}, "crash"):wait() == "crashed", "the crashing attacker")
local restarted = ending({ restart = 1 }, "exit")
check(restarted:wait() == EXIT_STATUS and restarted.restarts == 1, "the restarted attacker")
collectgarbage("collect")
local ended = figures()
print("attack: after an exit, a crash and a restart: moe free " .. ended.moe_free ..
      " bytes (before: " .. before.moe_free .. ")")
check(ended.moe_free == before.moe_free and ended.used == before.used,
      "moe's free memory or ned's factory not back after the other endings")

local victim = ld:startv({ quota = VICTIM_QUOTA, log = L4.Env.log }, PROGRAM, "victim")
local status = victim:wait()
print("attack: victim exited with status " .. tostring(status))
check(status == 0, "the victim failed")
local last = figures()
check(last.moe_free == before.moe_free, "moe's free memory after the victim: " ..
                                        last.moe_free)
if failures > 0 then error("attack: " .. failures .. " checks failed") end
print("attack: all checks passed")
