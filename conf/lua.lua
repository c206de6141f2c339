-- The Lua shell on the serial console: Lua 5.1's own interpreter with GNU readline
-- (rom/lua.elf, GPLv3 as a whole; docs/runtime.md "Readline and the Lua shell"). Line
-- editing, history (Up, Down, Ctrl-R), Ctrl-A/E/K/U/W. `./pecan run lua`, type Lua;
-- Ctrl-D on an empty line (or os.exit()) ends the shell and the run. conf/lua-plain.lua
-- is the same without readline.
-- ned options: --wait-and-exit
local L4 = require("L4")

local shell = L4.default_loader:start({ log = { "lua", "white", input = true } }, "rom/lua.elf")
print("ned: the Lua shell exited with " .. tostring(shell:wait()))
