-- Console input (docs/runtime.md, "Console input"): consoletest reads what is typed at the
-- serial line through an input log (log option input = true) and checks cooked and raw
-- reading, select and the input focus. The test console_input (tests/ned) answers its
-- prompts with run-qemu --type-on; ./pecan run console lets you answer them by hand.
local L4 = require("L4")

local test = L4.default_loader:start({ log = { "console", "green", input = true } },
                                     "rom/consoletest.elf")
print("consoletest exited with status " .. tostring(test:wait()))
