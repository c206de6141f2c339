-- Quotas: memhog gets 2 MiB and allocates until it is refused; a second program with
-- its own quota runs normally meanwhile. moe's memory report shows both.
local L4 = require("L4")
local ld = L4.default_loader

local hog = ld:start({ quota = 2 * 1024 * 1024, log = { "memhog", "red" } }, "rom/memhog.elf")
local hello = ld:start({ quota = 1024 * 1024, log = { "hello", "green" } },
                       "rom/hello.elf next to memhog")
print("hello exited with status " .. tostring(hello:wait()))
print("memhog exited with status " .. tostring(hog:wait()))
