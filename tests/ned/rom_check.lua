-- SPDX-License-Identifier: MIT
--
-- A boot script outside conf/, booted by the test ned_run_path through `./pecan run
-- <path>`: the image packed for it holds every program of the build, so it starts
-- programs of pkg/ and of tests/programs/ that no conf/ scenario needed to name.
local L4 = require("L4")
local ld = L4.default_loader

local function run(command, tag)
    local status = ld:start({ log = { tag, "green" } }, command):wait()
    print("rom_check: " .. command .. " exited with status " .. tostring(status))
    assert(status == 0, command .. " failed")
end

run("rom/hello.elf from a script outside conf", "hello")
run("rom/priolimit.elf 100 100", "priolimit")
local channel = ld:new_channel()
local server = ld:start({ caps = { echo = channel:svr() }, log = { "server", "blue" } },
                        "rom/echo-server.elf")
local client = ld:start({ caps = { echo = channel }, log = { "client", "yellow" } },
                        "rom/echo-client.elf rom check")
print("rom_check: echo-client exited with status " .. tostring(client:wait()))
server:kill()
print("rom_check: every program ran from rom")
