-- SPDX-License-Identifier: MIT
--
-- Host tests of ned's Lua library (pkg/ned/lua/L4.lua) over the mock core. Run by ctest
-- as: lua5.1-host test_l4_library.lua "<package.path>".
package.path = arg[1] .. ";" .. package.path
local mock = require("mock_core")
package.loaded["L4.core"] = mock
local L4 = require("L4")

local passed, failed = 0, 0

local function check(cond, what)
    if not cond then error("check failed: " .. what, 2) end
end

-- Runs f, which must fail with a message matching pattern (a plain substring).
local function expect_error(pattern, f, ...)
    local ok, message = pcall(f, ...)
    check(not ok, "an error containing '" .. pattern .. "'")
    check(message:find(pattern, 1, true) ~= nil,
          "error '" .. tostring(message) .. "' contains '" .. pattern .. "'")
    return message
end

local function test(name, f)
    mock.calls, mock.started, mock.exits, mock.logs, mock.factories = {}, {}, {}, {}, {}
    local ok, message = pcall(f)
    if ok then
        passed = passed + 1
        print("ok - " .. name)
    else
        failed = failed + 1
        print("not ok - " .. name .. ": " .. tostring(message))
    end
end

local ld = L4.default_loader

test("env holds the loader's capabilities", function()
    check(L4.is_cap(L4.Env.log) and L4.is_cap(L4.Env.factory), "log and factory")
    check(L4.Env.user_factory == L4.Env.factory, "user_factory alias")
    check(L4.Env.mem_alloc == L4.Env.factory, "mem_alloc alias")
end)

test("a channel's client end loses the server right, svr() keeps it", function()
    local ch = ld:new_channel()
    ld:start({ caps = { server = ch:svr() } }, "rom/server")
    ld:start({ caps = { client = ch } }, "rom/client")
    local server = mock.started[1].caps
    local client = mock.started[2].caps
    local function find(list, name)
        for _, c in ipairs(list) do if c.name == name then return c end end
    end
    check(find(server, "server").rights == 15, "server end has every right")
    check(find(client, "client").rights == 3, "client end: write + grant")
    check(find(client, "client").handle == find(server, "server").handle, "one gate")
    check(find(client, "rom") ~= nil, "rom is given by default")
end)

test("m() reduces rights, never adds them", function()
    local ch = ld:new_channel()
    check(ch:m("rw"):rights() == 1, "rw on a gate: write only (r is implied, c is control)")
    check(ch:m("rwc"):rights() == 5, "c adds the server right")
    check(ch:m("rwc").server_end, "c makes a server end")
    check(ch:m("w"):m("rws"):rights() == 1, "cannot grow back")
    expect_error("bad right 'x'", function() return ch:m("rx") end)
    check(L4.Env.scheduler:m("r"):rights() == 4, "r on a non-gate is READ")
end)

test("start passes program, arguments, environment, log and scheduler", function()
    ld:start({ log = { "hello", "g" }, env = { HOME = "/" } }, "rom/hello a  b")
    local spec = mock.started[1]
    check(spec.program == "rom/hello", "program")
    check(#spec.argv == 3 and spec.argv[2] == "a" and spec.argv[3] == "b", "argv split")
    check(spec.env[1] == "HOME=/", "env")
    check(spec.log.tag == "hello" and spec.log.colour == 2, "log tag and colour")
    check(spec.scheduler == L4.Env.scheduler.handle, "default scheduler")
    ld:start({}, "rom/tool")
    check(mock.started[2].log.tag == "tool" and mock.started[2].log.colour == 7,
          "default log: program name in white")
    ld:start({}, "rom/a-very-long-program-name.elf")
    check(mock.started[3].log.tag == "a-very-long-prog", "default tag: cut to 16, no .elf")
    expect_error("log tag 'seventeen-chars-x' is longer than 16",
                 function() ld:start({ log = { "seventeen-chars-x" } }, "rom/x") end)
end)

test("startv keeps arguments with spaces", function()
    ld:startv({}, "rom/echo", "one arg", "two")
    check(mock.started[1].argv[2] == "one arg", "argument kept whole")
end)

test("a shared log capability is passed as it is", function()
    ld:start({ log = L4.Env.log }, "rom/quiet")
    check(mock.started[1].log == L4.Env.log.handle, "the loader's own log")
end)

test("quota creates a sub-factory, and a too large one is refused by name", function()
    ld:start({ quota = 4096 }, "rom/small")
    check(mock.started[1].factory.limit == 4096, "sub-factory with the quota")
    local message = expect_error("quota of 99999999 bytes is more than the loader has",
                                 function() ld:start({ quota = 99999999 }, "rom/big") end)
    check(message:find("rom/big", 1, true), "names the program")
    expect_error("option 'quota' must be a positive number",
                 function() ld:start({ quota = -1 }, "rom/x") end)
end)

-- The calls of one kind ("destroy", "release") the library made, in order.
local function calls_of(kind)
    local out = {}
    for _, c in ipairs(mock.calls) do
        if c[1] == kind then out[#out + 1] = c end
    end
    return out
end

test("a program's quota is DESTROYed through the loader's factory when it ends", function()
    local mem = L4.Env.factory.handle
    local before = mem.used
    for _, ending in ipairs({ 0, 7, "killed", "crashed" }) do
        mock.calls, mock.factories = {}, {}
        local app = ld:start({ quota = 4096 }, "rom/cyclic")
        local quota = mock.factories[1]
        check(mem.used == before + 4096, "the quota is reserved in the loader's factory")
        if ending == "killed" then
            app:kill()
        else
            table.insert(mock.exits, { app.id, ending })
            L4.process_events(0)
        end
        local destroys = calls_of("destroy")
        check(#destroys == 1 and destroys[1][2] == mem and destroys[1][3] == quota,
              "one DESTROY of its factory through the loader's (" .. tostring(ending) .. ")")
        check(quota.destroyed and quota.released, "destroyed, then ned's copy released")
        check(mem.used == before, "the loader's factory has it all back")
    end
end)

test("a restart gets a fresh quota after the old one is destroyed", function()
    local mem = L4.Env.factory.handle
    local before = mem.used
    local app = ld:start({ quota = 8192, restart = 1 }, "rom/flaky")
    local first = mock.factories[1]
    table.insert(mock.exits, { app.id, 1 })
    L4.process_events(0)
    local second = mock.factories[2]
    check(second and second ~= first and second.limit == 8192, "a new quota of the same size")
    check(first.destroyed, "the first one destroyed before the restart")
    check(mem.used == before + 8192, "only the new quota is reserved")
    table.insert(mock.exits, { app.id, 1 })
    L4.process_events(0)
    check(app:state() == "zombie" and second.destroyed, "the last one destroyed at the end")
    check(mem.used == before, "everything back")
end)

test("without a quota nothing is destroyed; a log ned made is released at the end", function()
    local app = ld:start({ log = { "tag", "red" } }, "rom/plain")
    local log = mock.started[1].log
    local shared = ld:start({ log = L4.Env.log }, "rom/shared")
    table.insert(mock.exits, { app.id, 0 })
    table.insert(mock.exits, { shared.id, 0 })
    L4.process_events(0)
    L4.process_events(0)
    check(#calls_of("destroy") == 0, "no DESTROY of the loader's own factory")
    check(log.released, "the log made for it is released")
    check(not L4.Env.log.handle.released, "the loader's own log is not")
end)

test("a program that cannot start leaves no quota behind", function()
    local mem = L4.Env.factory.handle
    local before = mem.used
    expect_error("rom/absent: no such program",
                 function() ld:start({ quota = 4096 }, "rom/absent") end)
    check(#calls_of("destroy") == 1, "its quota destroyed")
    check(mem.used == before, "and given back")
end)

test("priority and mcp: defaults, and every bad value refused by name", function()
    ld:start({}, "rom/plain")
    check(mock.started[1].priority == 100 and mock.started[1].mcp == 100,
          "priority 100, mcp the priority")
    ld:start({ priority = 50 }, "rom/low")
    check(mock.started[2].priority == 50 and mock.started[2].mcp == 50, "mcp follows priority")
    ld:start({ priority = 50, mcp = 60 }, "rom/limited")
    check(mock.started[3].priority == 50 and mock.started[3].mcp == 60, "both given")
    expect_error("rom/p0: option 'priority' must be a whole number from 1 to 255",
                 function() ld:start({ priority = 0 }, "rom/p0") end)
    expect_error("option 'priority' must be a whole number",
                 function() ld:start({ priority = 256 }, "rom/x") end)
    expect_error("option 'priority' must be a whole number",
                 function() ld:start({ priority = 1.5 }, "rom/x") end)
    expect_error("rom/m: option 'mcp' must be a whole number from the priority (50) to 255",
                 function() ld:start({ priority = 50, mcp = 49 }, "rom/m") end)
    expect_error("option 'mcp' must be a whole number",
                 function() ld:start({ mcp = 300 }, "rom/x") end)
    expect_error("option 'mcp' must be a whole number",
                 function() ld:start({ mcp = "high" }, "rom/x") end)
end)

test("errors name the culprit and the script line", function()
    local message = expect_error("unknown option 'cpas'",
                                 function() ld:start({ cpas = {} }, "rom/typo") end)
    check(message:find("^.-test_l4_library%.lua:%d+: rom/typo: unknown option"), message)
    expect_error("capability name 'x' is used twice",
                 function() ld:start({ caps = { { "x", L4.Env.log }, { "x", L4.Env.rom } } },
                                     "rom/dup") end)
    expect_error("capability 'fb' is nil",
                 function() ld:start({ caps = { fb = L4.Env.rom:q("missing") } }, "rom/q") end)
    expect_error("capability 'n' is a number",
                 function() ld:start({ caps = { n = 5 } }, "rom/num") end)
    expect_error("is longer than 15 characters",
                 function() ld:start({ caps = { averyveryverylongname = L4.Env.log } }, "rom/l") end)
    expect_error("unknown log colour 'purple'",
                 function() ld:start({ log = { "x", "purple" } }, "rom/c") end)
    expect_error("rom/absent: no such program",
                 function() ld:start({}, "rom/absent") end)
    expect_error("the command is empty", function() ld:start({}, "   ") end)
end)

test("query closures are evaluated when the caps table is used", function()
    ld:start({ caps = { data = L4.Env.rom:q("data.bin") } }, "rom/reader")
    local c = mock.started[1].caps
    local found = false
    for _, e in ipairs(c) do
        if e.name == "data" then found = (e.handle.of or e.handle).name == "data.bin" end
    end
    check(found, "data resolved through the namespace")
end)

test("wait returns the exit status; exit handlers run", function()
    local a = ld:start({}, "rom/a")
    local b = ld:start({}, "rom/b")
    local seen
    b:exit_handler(function(code) seen = code end)
    table.insert(mock.exits, { b.id, 3 })
    table.insert(mock.exits, { a.id, 0 })
    check(a:wait() == 0, "a's status")
    check(seen == 3, "b's handler ran while waiting for a")
    check(b:state() == "zombie" and b:exit_code() == 3, "b's state")
    local late
    b:exit_handler(function(code) late = code end)
    check(late == 3, "a handler set after the exit runs at once")
end)

test("restart: a failing server is started again, up to its limit", function()
    local s = ld:start({ restart = 2 }, "rom/flaky")
    local first = s.id
    table.insert(mock.exits, { s.id, 1 })
    L4.process_events(0)
    check(s.id ~= first and s:state() == "running", "restarted")
    check(#mock.started == 2, "started twice")
    table.insert(mock.exits, { s.id, 1 })
    L4.process_events(0)
    table.insert(mock.exits, { s.id, 1 })
    L4.process_events(0)
    check(s:state() == "zombie" and s.restarts == 2, "gave up after two restarts")
    local ok = ld:start({ restart = true }, "rom/good")
    table.insert(mock.exits, { ok.id, 0 })
    L4.process_events(0)
    check(ok:state() == "zombie", "a clean exit is not restarted")
end)

test("a crash is logged with its fault and restarted, up to its limit", function()
    local s = ld:start({ restart = 1 }, "rom/faulty")
    local fault = "write fault at 00000000, pc 00010234 (nothing attached there)"
    table.insert(mock.exits, { s.id, "crashed", fault })
    L4.process_events(0)
    check(s:state() == "running" and s.restarts == 1, "restarted after the crash")
    check(mock.logs[#mock.logs] == "ned: rom/faulty crashed: " .. fault ..
          ", restarting (0 restarts left)", "logged: " .. tostring(mock.logs[#mock.logs]))
    local seen_status, seen_fault
    s:exit_handler(function(status, cause) seen_status, seen_fault = status, cause end)
    table.insert(mock.exits, { s.id, "crashed", "undefined instruction at pc 00010238" })
    L4.process_events(0)
    check(s:state() == "zombie" and s:exit_code() == "crashed", "gave up: crashed")
    check(s.fault == "undefined instruction at pc 00010238", "its last fault")
    check(seen_status == "crashed" and seen_fault == s.fault, "the handler got the fault")
    check(mock.logs[#mock.logs] == "ned: rom/faulty crashed: undefined instruction at pc 00010238",
          "a crash without restart is logged too")
end)

test("kill ends an application without restarting it", function()
    local s = ld:start({ restart = true }, "rom/victim")
    check(s:kill() == "killed", "killed")
    check(s:state() == "zombie", "state after kill")
end)

test("views of iomem and icu narrow the range and are paid for by a factory", function()
    local regs = L4.Env.iomem:view(0x1000B000, 0x1000)
    check(L4.is_cap(regs), "an iomem view is a capability")
    local call = mock.calls[#mock.calls]
    check(call[1] == "view" and call[3] == 0x1000B000 and call[4] == 0x1000, "range passed")
    check(call[5] == L4.Env.factory.handle, "the loader's factory pays by default")
    local line = L4.Env.icu:view(78, 1)
    check(line.handle.first == 78 and line.handle.last == 78, "one line")
    local f = L4.Env.factory:create(L4.Proto.Factory, 1000)
    regs:view(0x1000B000, 0x1000, f)
    check(mock.calls[#mock.calls][5] == f.handle, "a named factory pays")
    ld:start({ caps = { iomem = regs, icu = line } }, "rom/uart-driver")
    for _, c in ipairs(mock.started[1].caps) do
        if c.name == "icu" or c.name == "iomem" then
            check(c.rights == 3, c.name .. " handed on with write and grant")
        end
    end
    expect_error("view of 0x1000a000+0x2000: refused (ERANGE", function() regs:view(0x1000A000, 0x2000) end)
    expect_error("view of 0x4f+0x2: refused", function() line:view(79, 2) end)
    expect_error("view: the length must be a whole number", function() regs:view(0x1000B000) end)
    expect_error("view: the start must be a whole number", function() regs:view(-1, 1) end)
    expect_error("neither device memory", function() L4.Env.log:view(0, 1) end)
end)

test("phys gives a contiguous dataspace's physical address, nil for others", function()
    local fb = L4.Env.factory:create(L4.Proto.Dataspace, 0x100000, L4.Mem_alloc_flags.Continuous)
    check(fb:phys() == 0x01000000, "contiguous: its address")
    check(L4.Env.factory:create(L4.Proto.Dataspace, 0x1000):phys() == nil, "anonymous: nil")
    expect_error("phys: not a dataspace", function() L4.Env.log:phys() end)
end)

test("session_info gives a server's session counts, and names a failure", function()
    local ch = ld:new_channel()
    ch.handle.sessions = { open = 2, objects = 3, free_slots = 500 }
    local info = ch:session_info()
    check(info.open == 2 and info.objects == 3 and info.free_slots == 500, "the counts")
    expect_error("session_info: no server answers", function() L4.Env.log:session_info() end)
end)

test("factory create passes numbers and strings", function()
    local f = L4.Env.factory:create(L4.Proto.Factory, 1000)
    check(f:rights() == 7, "rights of a created capability")
    expect_error("create: the first argument is a protocol number",
                 function() L4.Env.factory:create("Factory") end)
    expect_error("create: out of memory", function() L4.Env.factory:create(L4.Proto.Factory, 1e12) end)
end)

print(passed .. " passed, " .. failed .. " failed")
os.exit(failed == 0 and 0 or 1)
