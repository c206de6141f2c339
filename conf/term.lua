-- The terminal: fb-drv drives the PL111, input-drv the keyboard and mouse, mag
-- multiplexes them, and term (pkg/term) runs in a mag window, serving console sessions
-- on its channel. term-demo's log is one of them, so its output is the terminal and its
-- input what is typed there (docs/graphics.md, "term"). Click the window to focus it.
-- tests/graphics/test_term.py drives it through QEMU's monitor.
--   ./pecan run term                      (term-demo)
--   ./pecan run term --set program=lua    (the Lua shell)
local L4 = require("L4")
local ld = L4.default_loader

local KiB = 1024
local stack = require("graphics_stack").start({ input = true })
local mag = stack.mag

-- The terminal's window: 78 columns by 27 rows of the 8x16 font.
local term = ld:new_channel()
ld:start({ caps = { fb = mag:create(L4.Proto.Goos, "term", 0x40C040, 8, 40, 624, 432),
                    term = term:svr() },
           quota = 2048 * KiB, log = { "term", "cyan" } }, "rom/term.elf")

-- The program on the terminal: term-demo, or with --set program=lua the Lua shell (lua
-- with readline; lua-plain without).
local program = (L4.Args or {}).program or "term-demo"
if program == "term-demo" then
    ld:start({ caps = { serial = L4.Env.factory:create(L4.Proto.Log, "demo", 3) },
               log = term:create(L4.Proto.Log) }, "rom/term-demo.elf")
else
    ld:start({ log = term:create(L4.Proto.Log), quota = 4096 * KiB }, "rom/" .. program .. ".elf")
end
