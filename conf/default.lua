-- The default scenario (`./pecan run`): a greeting, then a client/server pair wired by a
-- channel, then moe's memory report. Other scenarios: ./pecan run <name> (conf/*.lua).
local L4 = require("L4")
local ld = L4.default_loader

ld:start({ log = { "hello", "green" } }, "rom/hello.elf from the default scenario"):wait()

local channel = ld:new_channel()
local server = ld:start({ caps = { echo = channel:svr() }, log = { "echo-server", "blue" } },
                        "rom/echo-server.elf")
local client = ld:start({ caps = { echo = channel }, log = { "echo-client", "yellow" },
                          quota = 4 * 1024 * 1024 },
                        "rom/echo-client.elf welcome to pecan")
print("echo-client exited with status " .. tostring(client:wait()))
server:kill()
print("the default scenario is over")
