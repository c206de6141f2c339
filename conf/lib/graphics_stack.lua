-- The graphics stack that the graphical scenarios share, as a module their scripts
-- require (ned looks for modules in rom, where every scenario has conf/lib's files):
-- fb-drv drives the PL111 from a frame of physically contiguous memory, input-drv the
-- PL050 keyboard and mouse, and mag multiplexes both. Each server gets exactly its
-- device's registers and interrupts (docs/drivers.md), and mag its own factory, so a
-- script can read mag's use back exactly.
--
--   local stack = require("graphics_stack").start({ width = 1024, height = 768 })
--   stack.mag:create(L4.Proto.Goos, "label", 0x40C040, x, y, w, h)
--
-- Options (all optional): width, height, bits (640x480x16), input (true: start
-- input-drv and give mag an EVENT session of it), mag_memory (bytes of mag's factory,
-- 4 MiB), mag_args (mag's command-line options, a string). Returns fb, input (or nil),
-- mag (channels), mag_memory (mag's factory).
local L4 = require("L4")
local ld = L4.default_loader

local M = {}

local KiB = 1024
local PAGE = 4096
local PL111 = 0x10020000
local PL050 = 0x10006000   -- the keyboard's, then the mouse's 4 KiB
local PL050_IRQ = 39       -- the keyboard's, then the mouse's

local function start_fb(width, height, bits)
    local bytes = math.ceil(width * height * bits / 8 / PAGE) * PAGE
    local frame = L4.Env.mem_alloc:create(L4.Proto.Dataspace, bytes,
                                          L4.Mem_alloc_flags.Continuous)
    local fb = ld:new_channel()
    ld:start({ caps = { fb = fb:svr(), iomem = L4.Env.iomem:view(PL111, 0x1000),
                        frame = frame }, quota = 1024 * KiB, log = { "fb-drv", "green" } },
             "rom/fb-drv.elf --mode=" .. width .. "x" .. height .. "x" .. bits)
    return fb
end

local function start_input()
    local input = ld:new_channel()
    ld:start({ caps = { input = input:svr(), iomem = L4.Env.iomem:view(PL050, 0x2000),
                        icu = L4.Env.icu:view(PL050_IRQ, 2) },
               quota = 768 * KiB, log = { "input", "magenta" } }, "rom/input-drv.elf")
    return input
end

function M.start(options)
    options = options or {}
    local width, height = options.width or 640, options.height or 480
    local bits = options.bits or 16
    local fb = start_fb(width, height, bits)
    local input = options.input and start_input() or nil
    local mag_memory = L4.Env.factory:create(L4.Proto.Factory,
                                             options.mag_memory or 4096 * KiB, "mag")
    local mag = ld:new_channel()
    local caps = { fb = fb:create(L4.Proto.Goos), mag = mag:svr() }
    if input then caps.input = input:create(L4.Proto.Event) end
    local command = "rom/mag.elf"
    if options.mag_args then command = command .. " " .. options.mag_args end
    ld:start({ caps = caps, mem = mag_memory, log = { "mag", "blue" } }, command)
    return { fb = fb, input = input, mag = mag, mag_memory = mag_memory }
end

return M
