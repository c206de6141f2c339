-- desktop: the graphics stack as a user sees it (docs/graphics.md, "The desktop"). fb-drv
-- drives the PL111 at 1024x768, 16 bpp; input-drv the PL050 keyboard and mouse; mag
-- multiplexes the screen, draws the pointer and the windows' trusted labels, and sends
-- keys to the window clicked last. Each window is one entry of `windows` below: its
-- label, bar colour, place and size, and the program that runs in it with the window's
-- session as "fb" (plus any capabilities the entry's caps table adds). A terminal's entry
-- runs term and names the program on it (`on`): that program's log is a console session
-- at the terminal, so its output and input are the window. "lua" is the Lua shell (lua
-- with readline); "ned" a second ned with only its prompt (docs/ned.md, "The prompt"),
-- its own quota paying for what it starts, and the channel `echo` (L4.Env.echo there) for
-- an echo server: ps(), start("rom/echo-server.elf", {caps = {echo = L4.Env.echo:svr()}}),
-- kill(1); what it starts prints in its window, and run "rom/lua-plain.elf" gives a
-- program the window's keys until it ends. "pong" runs the animated client (Space
-- pauses, N steps).
--   ./pecan run desktop    (QEMU's window where there is a display: README, "Two commands")
-- tests/graphics/test_desktop.py boots it and compares the screen with a host model.
local L4 = require("L4")
local ld = L4.default_loader

local KiB = 1024
-- fb-drv, input-drv and mag (conf/lib/graphics_stack.lua); each window's buffers are
-- charged to the program in it (:charged() below), so its quota holds them.
local stack = require("graphics_stack").start({ width = 1024, height = 768, input = true })
local mag = stack.mag

-- The channel the nested ned may hand an echo server and its clients.
local echo = ld:new_channel()

-- The windows, opened in this order (later ones stack on top; these do not overlap).
-- The terminals are 80x25 and 122x16 cells of the 8x16 console font.
local windows = {
    { label = "lua", colour = 0xE08020, x = 24, y = 40, width = 640, height = 400,
      command = "rom/term.elf", quota = 3072 * KiB,
      on = { command = "rom/lua.elf", quota = 4096 * KiB } },
    { label = "ned", colour = 0x20A0E0, x = 24, y = 480, width = 976, height = 256,
      command = "rom/term.elf", quota = 3072 * KiB,
      on = { command = "rom/ned.elf --interactive", quota = 8192 * KiB,
             caps = { echo = echo:svr() } } },
    { label = "pong", colour = 0x40C040, x = 688, y = 40, width = 312, height = 400,
      command = "rom/pong.elf", quota = 1536 * KiB },
}

-- The program on a terminal: its log is a console session at the terminal's channel.
local function start_on(terminal, program)
    ld:start({ caps = program.caps, quota = program.quota,
               log = terminal:create(L4.Proto.Log) }, program.command)
end

local function open(w)
    local caps = { fb = mag:create(L4.Proto.Goos, w.label, w.colour, w.x, w.y, w.width,
                                   w.height):charged() }
    for name, cap in pairs(w.caps or {}) do caps[name] = cap end
    local terminal = w.on and ld:new_channel()
    if terminal then caps.term = terminal:svr() end
    ld:start({ caps = caps, quota = w.quota or 1024 * KiB, log = { w.label, "yellow" } },
             w.command)
    if terminal then start_on(terminal, w.on) end
end

for i, w in ipairs(windows) do
    open(w)
    -- one at a time, so the stacking order is the list's
    for _ = 1, 1000 do
        if mag:session_info().open == i then break end
        L4.msleep(10)
    end
end
print("desktop: " .. #windows .. " windows open")
