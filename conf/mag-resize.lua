-- Moving and resizing windows in mag (docs/graphics.md, "Moving and resizing windows"):
-- the graphics stack with input, and mag-event-clients: "ignorer", which ignores resizes,
-- and "grow", which redraws at the new size, within a memory limit of 160 KiB, then
-- "more", the same again. tests/graphics/test_mag_resize.py drags grow by its bar and by
-- its grip, once beyond its limit, resizes ignorer (and K makes ignorer take its new
-- buffer 0 past a refusal), and types Q into grow, which ends;
-- then it resizes more the same way, moves it and ends it. This script checks that moe's free
-- memory and mag's and ned's factories are exactly where the first run left them: the
-- replaced buffers all went.
--   ./pecan run mag-resize
local L4 = require("L4")
local ld = L4.default_loader

local KiB = 1024
local POLL_MS = 10
local stack = require("graphics_stack").start({ input = true })
local mag = stack.mag

local function open_count(n)
    for _ = 1, 1000 do
        if mag:session_info().open == n then return end
        L4.msleep(POLL_MS)
    end
end

-- moe's free memory and mag's and ned's factories' use, with Lua's garbage (capability
-- slots) gone first.
local function figures()
    collectgarbage("collect")
    local ned = L4.Env.factory:factory_info()
    return { moe_free = ned.moe_free, ned_used = ned.used,
             mag_used = stack.mag_memory:factory_info().used }
end

-- A run of the resizing client: its window, 200x100 with a memory limit of 160 KiB, and
-- its end (Q); then mag closes the session.
local function run_client(label)
    local fb = mag:create(L4.Proto.Goos, label, 0xE08020, 40, 60, 200, 100, 160 * KiB)
    local app = ld:start({ caps = { fb = fb:charged() }, quota = 1024 * KiB,
                           log = { label, "yellow" } },
                         "rom/mag-event-client.elf " .. label .. " 0x406080 redraw")
    print("mag-resize: " .. label .. " ended with " .. tostring(app:wait()))
    open_count(1)
end

local ignorer = mag:create(L4.Proto.Goos, "ignorer", 0x20A0E0, 360, 260, 160, 120):charged()
ld:start({ caps = { fb = ignorer }, quota = 1024 * KiB, log = { "ignorer", "yellow" } },
         "rom/mag-event-client.elf ignorer 0x80A040")
open_count(1)
-- The first run leaves mag page tables where its buffers were mapped and ned a gate it
-- keeps for the next child (their own factories pay): the second, with the same resizes,
-- must then leave moe's free memory, mag's factory and ned's exactly as the first did.
run_client("grow")
local first = figures()
run_client("more")
local second = figures()
for _ = 1, 500 do
    if second.moe_free == first.moe_free and second.mag_used == first.mag_used then break end
    L4.msleep(POLL_MS)
    second = figures()
end
local back = second.moe_free == first.moe_free and second.mag_used == first.mag_used and
             second.ned_used == first.ned_used
print("mag-resize: moe free " .. second.moe_free .. " bytes (after the first run: " ..
      first.moe_free .. "), mag's factory uses " .. second.mag_used .. " bytes (" ..
      first.mag_used .. "), ned's " .. second.ned_used .. " bytes (" .. first.ned_used ..
      ")" .. (back and "" or " (FAILED)"))
