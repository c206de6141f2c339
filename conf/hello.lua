-- The smallest scenario: one program, its exit status reported by ned. Its words can be
-- changed at run time: ./pecan run hello --set greeting="from the command line".
local L4 = require("L4")

local greeting = L4.Args.greeting or "from ned"
local hello = L4.default_loader:start({ log = { "hello", "green" } }, "rom/hello.elf " .. greeting)
print("hello exited with status " .. tostring(hello:wait()))
