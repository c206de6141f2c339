-- mag: fb-drv drives the PL111, mag multiplexes its screen, and pattern clients draw in
-- windows whose labels, colours, places and sizes this script gives (trusted labels:
-- docs/graphics.md, "mag"). alpha and beta stay; gamma, opened last and so on top of
-- both, draws, exits, and its window must vanish; so must delta's, a client killed while
-- it holds its window. Each window's buffers are charged to its client's quota
-- (:charged(), docs/graphics.md "Buffers, and who pays"), so mag's own factory must not
-- move at all, with delta's window open or after. The screen test
-- (tests/graphics/test_mag_screen.py) compares the screendump with a host model of
-- alpha's and beta's windows.
--   ./pecan run mag
local L4 = require("L4")
local ld = L4.default_loader

local KiB = 1024
-- mag's own memory is a factory apart from ned's, so its use can be read back exactly:
-- the windows' buffers are not made through it.
local stack = require("graphics_stack").start()
local mag, mag_memory = stack.mag, stack.mag_memory

-- label, colour 0xRRGGBB, x, y, width, height of the window (its label bar lies above y)
local windows = {
    { "alpha", 0xE08020, 40, 60, 320, 200 },
    { "beta", 0x20A0E0, 200, 160, 360, 240 },
}
local function client(w, option)
    return ld:start({ caps = { fb = mag:create(L4.Proto.Goos, w[1], w[2], w[3], w[4], w[5], w[6]):charged() },
                      quota = 1024 * KiB, log = { w[1], "yellow" } },
                    "rom/fb-pattern.elf" .. option)
end
for _, w in ipairs(windows) do client(w, " --hold") end

local function wait_open(count)
    local open
    for _ = 1, 1000 do
        open = mag:session_info().open
        if open == count then return true end
        L4.msleep(10)
    end
    print("mag-scenario: FAILED: " .. tostring(open) .. " sessions open, not " .. count)
    return false
end

wait_open(2)
-- gamma runs twice, and mag's factory is read around the second run: the first maps
-- gamma's buffer where mag's address space had no page tables yet, and those stay
-- mag's (its address space's, not the window's memory).
local gamma = { "gamma", 0xC040C0, 100, 120, 200, 160 }
client(gamma, ""):wait()
wait_open(2)
local before = mag_memory:factory_info().used
print("mag-scenario: gamma exited with status " .. tostring(client(gamma, ""):wait()))
wait_open(2)
local after = mag_memory:factory_info().used
print("mag-scenario: mag's factory uses " .. after .. " bytes (before gamma: " .. before .. ")")
-- delta holds its window until it is killed; the kill closes its session.
local delta = client({ "delta", 0x40C040, 260, 40, 160, 120 }, " --hold")
wait_open(3)
local with_delta = mag_memory:factory_info().used
print("mag-scenario: with delta's window open mag's factory uses " .. with_delta .. " bytes")
delta:kill()
print("mag-scenario: delta ended: " .. tostring(delta:wait()))
wait_open(2)
local killed = mag_memory:factory_info().used
print("mag-scenario: after delta was killed mag's factory uses " .. killed .. " bytes")
if after == before and killed == before and with_delta == before then
    print("mag-scenario: gamma and delta gone, memory exact")
else
    print("mag-scenario: FAILED: gamma's or delta's memory is not back")
end
