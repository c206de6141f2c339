-- The Lua shell without readline: Lua 5.1's lua.c reading lines with fgets, edited by the
-- console's cooked mode (echo, Backspace, Ctrl-U; no history). MIT, like the rest but
-- rom/lua.elf (conf/lua.lua). Ctrl-D on an empty line ends it and the run.
-- ned options: --wait-and-exit
local L4 = require("L4")

local shell = L4.default_loader:start({ log = { "lua-plain", "white", input = true } },
                                      "rom/lua-plain.elf")
print("ned: the Lua shell exited with " .. tostring(shell:wait()))
