-- Priority limits: each program gets a priority and an MCP, the highest priority its
-- threads may have or give (docs/ned.md). Holding its own thread object and the Scheduler, as
-- every program does, it still cannot go above that limit; nor can ned give more than moe gave
-- ned (MCP 199, below moe's own 200).
local L4 = require("L4")
local ld = L4.default_loader

local limited = ld:start({ log = { "limited", "cyan" }, priority = 50, mcp = 60 },
                         "rom/priolimit.elf 50 60")
print("limited exited with status " .. tostring(limited:wait()))

-- Without the options: priority 100, and the MCP is the priority.
local plain = ld:start({ log = { "plain", "magenta" } }, "rom/priolimit.elf 100 100")
print("plain exited with status " .. tostring(plain:wait()))

local ok, message = pcall(function()
    ld:start({ priority = 100, mcp = 250 }, "rom/priolimit.elf 100 250")
end)
print("above ned's own limit: " .. (ok and "started" or message))
