-- Crash: a program that faults is ended by moe and reported by ned with its fault
-- ("ned: rom/crasher.elf crashed: write fault at 00000000, pc ..."); with the restart
-- option ned starts it again. Each run of tests/programs/crasher.c first makes objects at
-- moe (a dataspace it writes, a namespace holding it, a log): they go with its task, so
-- its factory's use and moe's free memory come back exactly. Then one run of each other
-- kind of crash, a thread's fault ending the whole task among them.
--   ./pecan run crash --set restarts=10
local L4 = require("L4")
local ld = L4.default_loader

local restarts = tonumber(L4.Args.restarts or "3")

-- The crashing program's memory, kept across its runs so its use can be read back, and
-- one log for all of them (a log per start would be ned's until Lua collects it).
local mem = L4.Env.factory:create(L4.Proto.Factory, 4 * 1024 * 1024, "crasher")
local log = L4.Env.factory:create(L4.Proto.Log, "crasher", 1)

local function run(how, restart)
    local app = ld:start({ mem = mem, log = log, restart = restart }, "rom/crasher.elf " .. how)
    local status = app:wait()
    print("crash: " .. how .. ": " .. tostring(status) .. " after " .. app.restarts ..
          " restarts: " .. tostring(app.fault))
    return status == "crashed" and app.restarts == restart
end

local function figures()
    collectgarbage("collect")
    local info = mem:factory_info()
    return info.used, info.moe_free
end

-- One run first: ned's own one-time costs (its first child's parent gate, Lua's tables)
-- are paid before the baseline.
local ok = run("null", 0)
local used_before, free_before = figures()
ok = run("null", restarts) and ok
for _, how in ipairs({ "text", "undefined", "jump", "thread" }) do
    ok = run(how, 0) and ok
end
local used_after, free_after = figures()
print("crash: the program's factory uses " .. used_after .. " bytes (before: " .. used_before .. ")")
print("crash: moe has " .. free_after .. " bytes free (before: " .. free_before .. ")")
if ok and used_after == used_before and free_after == free_before then
    print("crash: all checks passed")
else
    print("crash: FAILED")
end
