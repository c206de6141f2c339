-- mag-nested: a mag runs inside a window of another mag and shows its own client there
-- (docs/graphics.md, "mag"): the inner mag is an ordinary client of the outer one, whose
-- session speaks exactly fb-drv's protocol. The outer mag shows alpha and the inner mag's
-- window "inner"; inside it the inner mag shows "nest" with its own label bar, on a
-- background of its own (dark grey: the outer's would make the window look empty). The
-- screen test (tests/graphics/test_mag_screen.py --nested) compares the screendump with
-- the host's model.
--   ./pecan run mag-nested
local L4 = require("L4")
local ld = L4.default_loader

local KiB = 1024
local frame = L4.Env.mem_alloc:create(L4.Proto.Dataspace, 640 * 480 * 2,
                                      L4.Mem_alloc_flags.Continuous)
local registers = L4.Env.iomem:view(0x10020000, 0x1000)
local fb = ld:new_channel()
ld:start({ caps = { fb = fb:svr(), iomem = registers, frame = frame }, quota = 1024 * KiB,
           log = { "fb-drv", "green" } }, "rom/fb-drv.elf")

local outer = ld:new_channel()
ld:start({ caps = { fb = fb:create(L4.Proto.Goos), mag = outer:svr() }, quota = 4096 * KiB,
           log = { "outer", "blue" } }, "rom/mag.elf")
ld:start({ caps = { fb = outer:create(L4.Proto.Goos, "alpha", 0xE08020, 40, 60, 320, 200):charged() },
           quota = 1024 * KiB, log = { "alpha", "yellow" } }, "rom/fb-pattern.elf --hold")

local inner = ld:new_channel()
ld:start({ caps = { fb = outer:create(L4.Proto.Goos, "inner", 0x20A0E0, 220, 140, 400, 320):charged(),
                    mag = inner:svr() }, quota = 4096 * KiB, log = { "inner", "cyan" } },
         "rom/mag.elf --background=0x383838")
ld:start({ caps = { fb = inner:create(L4.Proto.Goos, "nest", 0xC040C0, 30, 50, 240, 160):charged() },
           quota = 1024 * KiB, log = { "nest", "yellow" } }, "rom/fb-pattern.elf --hold")
print("mag-nested: started")
