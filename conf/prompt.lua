-- ned's interactive prompt on the serial console (docs/ned.md, "The prompt"): once this
-- script has run, ned reads Lua lines and runs them in its own state. Try help(), ps(),
-- start("rom/hello.elf hi"), start("rom/echo-server.elf", {caps = {echo = echo:svr()}}),
-- kill(n), run "rom/lua-plain.elf" (the Lua shell in the foreground, on this line until
-- it ends), =1+1. Ctrl-D on an empty line closes the prompt; the run ends when no program
-- is left.
-- ned options: --interactive --wait-and-exit
local L4 = require("L4")

-- A global, so that lines typed at the prompt can hand it to programs.
echo = L4.default_loader:new_channel()
print("ned: prompt scenario: the channel 'echo' is there for an echo server and clients")
