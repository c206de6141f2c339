-- mag with input: fb-drv drives the PL111, input-drv the PL050 keyboard and mouse, and
-- mag, given an EVENT session of input-drv as "input", draws a pointer, focuses the window
-- clicked (raising it) and sends events to its sessions (docs/graphics.md, "Input in
-- mag"). Two clients fill their windows and print the events they get; their windows
-- overlap, right on top. tests/graphics/test_mag_input.py moves the mouse, clicks each
-- window and types, and compares the screen and the clients' lines.
--   ./pecan run mag-input
local L4 = require("L4")
local ld = L4.default_loader

local KiB = 1024
local stack = require("graphics_stack").start({ input = true })
local mag = stack.mag

-- label, bar colour, x, y, width, height; then the colour the client fills its window with
local windows = {
    { "left", 0xE08020, 40, 60, 300, 200, "0x406080" },
    { "right", 0x20A0E0, 200, 120, 360, 240, "0x80A040" },
}
for i, w in ipairs(windows) do
    ld:start({ caps = { fb = mag:create(L4.Proto.Goos, w[1], w[2], w[3], w[4], w[5], w[6]):charged() },
               quota = 1024 * KiB, log = { w[1], "yellow" } },
             "rom/mag-event-client.elf " .. w[1] .. " " .. w[7])
    -- one at a time, so the stacking order is the list's
    for _ = 1, 1000 do
        if mag:session_info().open == i then break end
        L4.msleep(10)
    end
end
