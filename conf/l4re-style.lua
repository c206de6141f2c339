-- A script written for L4Re's ned (the pattern of its hello and client/server examples),
-- unchanged apart from the program names. It leaves its servers running, so the run ends
-- when the client has exited (ned's option below, read by tools/pack-scenario):
-- ned options: --exit-with=rom/echo-client.elf
local L4 = require("L4");

local l = L4.default_loader;

local svr = l:new_channel();
l:start({ caps = { echo = svr:svr() },
          log  = { "server", "b" } },
        "rom/echo-server.elf");

l:start({ caps = { echo = svr:m("rw") },
          log  = { "client", "y" } },
        "rom/echo-client.elf l4re style");

l:start({ log = L4.Env.log }, "rom/hello.elf");
