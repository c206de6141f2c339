-- The smallest scenario: one program, its exit status reported by ned.
local L4 = require("L4")

local hello = L4.default_loader:start({ log = { "hello", "green" } }, "rom/hello.elf from ned")
print("hello exited with status " .. tostring(hello:wait()))
