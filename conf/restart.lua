-- Restart: the echo server is marked for restart; a client makes it crash, then
-- reconnects through the same channel to the server ned started again.
local L4 = require("L4")
local ld = L4.default_loader

local channel = ld:new_channel()
local server = ld:start({ caps = { echo = channel:svr() }, log = { "server", "blue" },
                          restart = 3 }, "rom/echo-server.elf")
local client = ld:start({ caps = { echo = channel }, log = { "client", "yellow" } },
                        "rom/echo-client.elf --crash-server after restart")
print("client exited with status " .. tostring(client:wait()))
print("server restarts: " .. server.restarts)
server:kill()   -- the scenario is over
