-- Input: the PL050 keyboard and mouse driver (input-drv) as a program of its own, serving
-- the EVENT protocol on a channel, and input-monitor, a client that prints each event it
-- gets (docs/graphics.md, "Input"). The driver gets exactly its devices: the two KMIs'
-- registers (KMI0 keyboard at 0x10006000, KMI1 mouse at 0x10007000) and their lines 39
-- and 40 (MPCore GIC IDs: the KMIs are wired to it directly, board lines 20 and 21).
--
-- Type in QEMU's window (or with the monitor's sendkey, mouse_move, mouse_button) and
-- watch the events; Escape ends a monitor. The test tests/input/test_input.py does so:
--   1. a monitor opens its own session at the channel and prints events until Escape;
--   2. a client that dies with its session open (--leave): the driver closes it;
--   3. the driver is killed and started again on the same channel (a restart takes the
--      devices back whatever its predecessor left), and a monitor with a session the script
--      opened (channel:create(L4.Proto.Event), as in L4Re) prints events until Escape.
local L4 = require("L4")
local ld = L4.default_loader
local iomem, icu = L4.Env.iomem, L4.Env.icu

local KiB = 1024
local failures = 0
local function check(ok, what)
    if not ok then
        failures = failures + 1
        print("input: FAILED: " .. what)
    end
end

local channel = ld:new_channel()
local function start_driver()
    return ld:start({ caps = { input = channel:svr(), iomem = iomem:view(0x10006000, 0x2000),
                               icu = icu:view(39, 2) },
                      quota = 768 * KiB, log = { "input", "magenta" }, restart = 3 },
                    "rom/input-drv.elf")
end
local function monitor(caps, arguments)
    return ld:start({ caps = caps, quota = 512 * KiB, log = { "monitor", "green" } },
                    "rom/input-monitor.elf" .. (arguments or ""))
end
-- Sessions are closed by the driver when it sees their last capability go: soon.
local function sessions_open(want)
    local open
    for _ = 1, 500 do
        open = channel:session_info().open
        if open == want then break end
        L4.msleep(10)
    end
    return open
end

local driver = start_driver()
local status = monitor({ input = channel }):wait()
print("input: the first monitor exited with status " .. tostring(status))
check(status == 0, "the first monitor")

status = monitor({ input = channel }, " --leave"):wait()
local open = sessions_open(0)
print("input: a client died with its session open; the driver has " .. open .. " sessions open")
check(status == 0 and open == 0, "the dead client's session")

driver:kill()
driver = start_driver()
status = monitor({ event_session = channel:create(L4.Proto.Event) }):wait()
print("input: after the driver's restart a monitor exited with status " .. tostring(status))
check(status == 0, "the monitor after the restart")
open = sessions_open(0)
check(open == 0, "sessions left open: " .. open)

print(failures == 0 and "input: all checks passed" or "input: " .. failures .. " checks FAILED")
driver:kill()
