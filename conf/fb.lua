-- fb: fb-drv drives the PL111 and a client draws the test pattern through the FRAMEBUFFER
-- protocol (docs/graphics.md). As every driver, fb-drv gets exactly its device from the
-- script: a view of the PL111's registers and a physically contiguous frame the script
-- makes for the mode. The client gets a session the script opens, as in L4Re
-- (fb:create(L4.Proto.Goos)); a mag session would look the same to it.
--   ./pecan run fb                         640x480, 16 bpp (RGB565)
--   ./pecan run fb --set mode=1024x768x32  another mode (fb-drv lists those it has)
--   ./pecan run fb --set restart=yes       fb-drv is ended and started again on the same
--                                          channel, frame and registers; a client draws again
-- The screen tests (tests/graphics/test_fb_screen.py) boot it and compare a screendump
-- with the host's model of the pattern.
local L4 = require("L4")
local ld = L4.default_loader

local mode = L4.Args.mode or "640x480x16"
local width, height, bits = mode:match("^(%d+)x(%d+)x(%d+)$")
if not width then
    error("mode '" .. mode .. "': expected WIDTHxHEIGHTxBITS, e.g. 800x600x16")
end
local page = 4096
local frame_size = math.ceil(width * height * bits / 8 / page) * page
local frame = L4.Env.mem_alloc:create(L4.Proto.Dataspace, frame_size,
                                      L4.Mem_alloc_flags.Continuous)
local registers = L4.Env.iomem:view(0x10020000, 0x1000)
local fb = ld:new_channel()

local function start_driver()
    return ld:start({ caps = { fb = fb:svr(), iomem = registers, frame = frame },
                      quota = 1024 * 1024, log = { "fb-drv", "green" } },
                    "rom/fb-drv.elf --mode=" .. mode)
end

local function draw(name)
    local client = ld:start({ caps = { fb = fb:create(L4.Proto.Goos) }, quota = 1024 * 1024,
                              log = { name, "yellow" } }, "rom/fb-pattern.elf")
    local status = client:wait()
    print(name .. " exited with status " .. tostring(status))
    if status ~= 0 then error(name .. " failed") end
end

local driver = start_driver()
draw("pattern")
if L4.Args.restart == "yes" then
    driver:kill()
    print("fb-drv ended: " .. tostring(driver:wait()))
    driver = start_driver()
    draw("again")
end
print("fb: the test pattern is on the screen")
