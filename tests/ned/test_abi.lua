-- SPDX-License-Identifier: MIT
--
-- The ned.abi test: every number of the C lists reaches ned's Lua (L4.Proto, L4.Err, ...)
-- with the value C gives it, and no number is typed outside the lists. L4.abi is generated
-- from the C headers (tools/gen-l4-abi); this test holds it against them four ways:
--   1. every entry of the X-macro lists in pecan/protocol_numbers.h and pecan/errors.h,
--      read from the source text, is in L4.abi and in the L4 table scripts use;
--   2. every value of L4.abi equals its C name's, checked by the host C compiler
--      (_Static_assert against the headers);
--   3. docs/abi.md has a row for every protocol, kernel label and error code, with the
--      list's number, and no row the lists lack;
--   4. no C file of the tree defines a protocol number, kernel label, error code, IPC
--      status or right outside the lists (a "#define X_PROTO 0x4200" or an enumerator
--      "PECAN_EFOO = 1020" would not reach Lua): each such definition found must be one
--      L4.abi already has, with the same value.
-- Run by ctest as: lua5.1-host test_abi.lua "<package.path>" <source dir> <C compiler>
-- <scratch dir>.
package.path = arg[1] .. ";" .. package.path
local source_dir, c_compiler, scratch_dir = arg[2], arg[3], arg[4]
package.loaded["L4.core"] = require("mock_core")
local abi = require("L4.abi")
local L4 = require("L4")

local failures = 0
local function failure(message)
    failures = failures + 1
    print("not ok - " .. message)
end

-- The tables scripts reach through L4 (the rest, rights and constants, through L4.abi).
local l4_tables = { Proto = true, Label = true, Err = true, Ipc_status = true,
                    Ipc_error = true }

-- C name -> Lua value, and the module's entries each named once.
local by_c_name = {}
local entries = 0
for path, c_name in pairs(abi.c_name) do
    local table_name, key = path:match("^([%w_]+)%.([%w_]+)$")
    local value
    if table_name then
        value = abi[table_name] and abi[table_name][key]
        local l4_table = l4_tables[table_name] and L4[table_name]
        if l4_tables[table_name] and (l4_table == nil or l4_table[key] ~= value) then
            failure("L4." .. path .. " is not L4.abi's " .. tostring(value))
        end
    else
        value = abi[path]
    end
    if type(value) ~= "number" then
        failure(c_name .. ": L4.abi." .. path .. " is " .. tostring(value))
    end
    by_c_name[c_name] = value
    entries = entries + 1
end
for name, t in pairs(abi) do
    if type(t) == "table" and name ~= "c_name" then
        for key in pairs(t) do
            if not abi.c_name[name .. "." .. key] then
                failure("L4.abi." .. name .. "." .. key .. " has no C name")
            end
        end
    end
end

local function read_lines(path)
    local file = assert(io.open(path))
    local lines = {}
    for line in file:lines() do lines[#lines + 1] = line end
    file:close()
    return lines
end

-- An integer literal (decimal or hex, a sign, a suffix, parentheses), or nil.
local function integer(text)
    text = text:gsub("/%*.-%*/", ""):gsub("/%*.*", ""):gsub("//.*", "")
    text = text:match("^%s*(.-)%s*$")
    text = text:match("^%((.*)%)$") or text
    local sign, digits = text:match("^(%-?)%s*(0[xX]%x+)[uUlL]*$")
    if not digits then sign, digits = text:match("^(%-?)%s*(%d+)[uUlL]*$") end
    if not digits then return nil end
    local value = tonumber(digits)
    return sign == "-" and -value or value
end

-- 1. The lists, as written: each line X(NAME, ...) of a list makes the C constants below.
local function prefixed(prefix) return function(name) return prefix .. name end end
local lists = {
    ["kernel/abi/include/pecan/protocol_numbers.h"] = {
        PROTOCOL = { prefixed("PECAN_PROTO_") }, LABEL = { prefixed("PECAN_LABEL_") } },
    ["kernel/abi/include/pecan/errors.h"] = {
        ERROR = { prefixed("PECAN_") },
        STATUS = { prefixed("PECAN_IPC_"),
                   function(name) return "PECAN_IPC_ERROR(PECAN_IPC_" .. name .. ")" end } },
}
local listed = 0
for path, macros in pairs(lists) do
    for number, line in ipairs(read_lines(source_dir .. "/" .. path)) do
        local macro, name = line:match("^%s*(%u+)%(([%u%d_]+),")
        for _, c_name_of in ipairs(macro and macros[macro] or {}) do
            local c_name = c_name_of(name)
            listed = listed + 1
            if by_c_name[c_name] == nil then
                failure(path .. ":" .. number .. ": " .. c_name ..
                        " is not in L4.abi (is the generated module stale?)")
            end
        end
    end
end
if listed < 40 then
    failure("only " .. listed .. " list entries found: has the lists' format changed?")
end

-- 2. Every value against C.
local check_c = scratch_dir .. "/abi_values_check.c"
local out = assert(io.open(check_c, "w"))
out:write("/* Written by tests/ned/test_abi.lua: L4.abi's values held against C. */\n",
          "#include <pecan/errors.h>\n#include <pecan/protocol_numbers.h>\n",
          "#include <pecan/protocols.h>\n")
for c_name, value in pairs(by_c_name) do
    out:write(string.format("_Static_assert((%s) == (%d), \"%s is %d in L4.abi\");\n",
                            c_name, value, c_name, value))
end
out:close()
local command = string.format("'%s' -std=c11 -fsyntax-only -Werror " ..
                              "-I'%s/kernel/abi/include' '%s'", c_compiler, source_dir, check_c)
if os.execute(command) ~= 0 then
    failure("L4.abi's values differ from C's (the compiler says which above): " .. command)
end

-- 3. The tables of docs/abi.md: "| number | `NAME` | `Lua_name` |" for protocols and
-- labels, "| code | ENAME |" for errors.
local expected, documented = {}, {}
for key, value in pairs(abi.Proto) do
    expected[abi.c_name["Proto." .. key]:gsub("^PECAN_PROTO_", "") .. " " .. key] = value
end
for key, value in pairs(abi.Label) do
    expected[abi.c_name["Label." .. key]:gsub("^PECAN_LABEL_", "") .. " " .. key] = value
end
for key, value in pairs(abi.Err) do
    if value ~= 0 then expected[key] = value end   -- EOK is no row
end
for number, line in ipairs(read_lines(source_dir .. "/docs/abi.md")) do
    local value_text, name, lua_name = line:match("^| ([^|]-) | `([%u%d_]+)` | `([%w_]+)` |")
    local key = name and name .. " " .. lua_name
    if not key then
        value_text, key = line:match("^| (%d+) | (E[%u%d]+) |")
    end
    local value = key and integer(value_text)
    if value then
        documented[key] = true
        if expected[key] ~= value then
            failure("docs/abi.md:" .. number .. ": " .. key .. " is " .. value ..
                    " there, " .. tostring(expected[key]) .. " in the lists")
        end
    end
end
for key in pairs(expected) do
    if not documented[key] then failure("docs/abi.md has no row for " .. key) end
end

-- 4. Definitions outside the lists. A name is a number of the lists if it looks like one;
-- VALUE_<name> is an assembler copy (kernel/arch/*/syscall_layout.h, checked there by
-- _Static_assert) and must equal <name>.
local function of_the_lists(name)
    return name:find("PROTO", 1, true) or name:match("^PECAN_LABEL_") or
           name:match("^PECAN_E[%u%d]+$") or name:match("^PECAN_IPC_") or
           name:match("^PECAN_RIGHT")
end

-- The file list goes through a file: the host Lua is built without popen.
local sources = scratch_dir .. "/abi_sources.txt"
assert(os.execute("cd '" .. source_dir .. "' && find kernel l4re servers pkg tests tools " ..
                  "-name '*.[ch]' -type f | sort > '" .. sources .. "'") == 0)
local scanned = 0
for _, path in ipairs(read_lines(sources)) do
    scanned = scanned + 1
    for number, line in ipairs(read_lines(source_dir .. "/" .. path)) do
        -- "#define NAME value", and every "NAME = value" (enumerators, one or several a line)
        local definitions = {}
        local name, value_text = line:match("^%s*#%s*define%s+([%w_]+)%s+(.+)$")
        if name then definitions[1] = { name, value_text } end
        for name, value_text in line:gmatch("([%w_]+)%s*=%s*([^,;}]+)") do
            definitions[#definitions + 1] = { name, value_text }
        end
        for _, definition in ipairs(definitions) do
            local name, value = definition[1], integer(definition[2])
            local listed_name = name:match("^VALUE_(.+)$") or name
            if value and of_the_lists(listed_name) and by_c_name[listed_name] ~= value then
                failure(path .. ":" .. number .. ": " .. name .. " = " .. value ..
                        " is typed outside the lists: add it to pecan/protocol_numbers.h " ..
                        "or pecan/errors.h" .. (by_c_name[listed_name] and
                        " (the lists say " .. by_c_name[listed_name] .. ")" or ""))
            end
        end
    end
end
if scanned < 100 then failure("only " .. scanned .. " C files scanned under " .. source_dir) end

print(string.format("ned.abi: %d values in L4.abi, %d list entries, %d C files scanned",
                    entries, listed, scanned))
if failures > 0 then
    print(failures .. " failed")
    os.exit(1)
end
print("ok - every number of the C lists reaches Lua with C's value")
