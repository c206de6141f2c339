-- A client/server pair wired by a channel: the server gets the server end, one client
-- the client end. A third program gets no capability and cannot reach the server.
local L4 = require("L4")
local ld = L4.default_loader

local channel = ld:new_channel()
local server = ld:start({ caps = { echo = channel:svr() }, log = { "server", "blue" } }, "rom/echo-server.elf")

local client = ld:start({ caps = { echo = channel }, log = { "client", "yellow" } },
                        "rom/echo-client.elf hello pecan world")
local outsider = ld:start({ log = { "outsider", "magenta" } }, "rom/echo-client.elf sneaky")

print("client exited with status " .. tostring(client:wait()))
print("outsider exited with status " .. tostring(outsider:wait()))
server:kill()   -- the scenario is over
