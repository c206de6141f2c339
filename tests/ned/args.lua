-- SPDX-License-Identifier: MIT
--
-- Prints L4.Args, the values of `./pecan run <script> --set key=value`, one line each in
-- key order with its Lua type; the test ned_run_args checks them. A script with values of
-- its own keeps a default for each and converts numbers itself.
local L4 = require("L4")

local keys = {}
for key in pairs(L4.Args) do
    keys[#keys + 1] = key
end
table.sort(keys)
for _, key in ipairs(keys) do
    local value = L4.Args[key]
    print(string.format("args: %s = [%s] (%s)", key, value, type(value)))
end
print("args: " .. #keys .. " values")

local size = tonumber(L4.Args.size or "1024")
print("args: size as a number plus one: " .. (size + 1))
