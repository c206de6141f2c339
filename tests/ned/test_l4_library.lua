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

test("log input = true asks moe for a console with input", function()
    ld:start({ log = { "shell", "green", input = true } }, "rom/shell")
    check(mock.started[1].log.tag == "shell" and mock.started[1].log.colour == 2 + 0x100,
          "colour with PECAN_LOG_INPUT")
    ld:start({ log = { "plain", "green", input = false } }, "rom/plain")
    check(mock.started[2].log.colour == 2, "input = false: a plain log")
    expect_error("the log option 'input' must be true or false",
                 function() ld:start({ log = { "x", "red", input = 1 } }, "rom/x") end)
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

test("factory create passes numbers and strings", function()
    local f = L4.Env.factory:create(L4.Proto.Factory, 1000)
    check(f:rights() == 7, "rights of a created capability")
    expect_error("create: the first argument is a protocol number",
                 function() L4.Env.factory:create("Factory") end)
    expect_error("create: out of memory", function() L4.Env.factory:create(L4.Proto.Factory, 1e12) end)
end)

-- ---- sessions at framework servers (channel:create of a session protocol) ----------------

local function started_cap(spec, name)
    for _, c in ipairs(spec.caps) do if c.name == name then return c end end
end

local function server_and_channel()
    local ch = ld:new_channel()
    local server = ld:start({ caps = { echo = ch:svr() } }, "rom/echo-server")
    return ch, server
end

test("a session is opened when its program starts, its gate paid by the program's quota", function()
    local ch = server_and_channel()
    local request = ch:create(L4.Proto.Echo, "alpha", 7)
    check(L4.is_session(request) and #calls_of("session_open") == 0, "nothing opened yet")
    local app = ld:start({ caps = { echo_session = request }, quota = 65536 }, "rom/client")
    local quota = mock.factories[#mock.factories]
    local open = calls_of("session_open")
    check(#open == 1 and open[1][2] == ch.handle and open[1][3] == L4.Proto.Echo,
          "one CREATE of Echo at the channel")
    check(open[1][4] == quota, "the program's quota pays for the gate")
    local words = open[1][5]
    check(#words == 4 and words[1] == 5 and words[2] == 0x68706c61 and words[3] == 0x61 and
          words[4] == 7, "\"alpha\" is its length and bytes, 7 one word")
    local given = started_cap(mock.started[#mock.started], "echo_session")
    check(given.handle.kind == "session" and given.rights == 3, "the session, write + grant")
    check(quota.used == 4096 and ch.handle.open == 1, "one gate charged, one session open")
    table.insert(mock.exits, { app.id, 0 })
    L4.process_events(0)
    local release = calls_of("factory_release")
    check(#release == 1 and release[1][2] == quota and release[1][3].given_back,
          "the gate given back through the program's factory")
    check(given.handle.released and release[1][3].released, "ned's copies deleted")
    check(ch.handle.open == 0, "the session ended at the server")
    local order = {}
    for _, c in ipairs(mock.calls) do
        if c[1] == "factory_release" or c[1] == "destroy" then order[#order + 1] = c[1] end
    end
    check(order[1] == "factory_release" and order[2] == "destroy",
          "released before the quota is destroyed")
end)

test("a session handed to two programs opens one each; without quota the loader pays", function()
    local ch = server_and_channel()
    local mem = L4.Env.factory.handle
    local before = mem.used
    local request = ch:create(L4.Proto.Echo)
    local a = ld:start({ caps = { echo_session = request } }, "rom/a")
    local b = ld:start({ caps = { echo_session = request } }, "rom/b")
    local open = calls_of("session_open")
    check(#open == 2 and open[1][4] == mem and open[2][4] == mem, "two, paid by the loader")
    check(#open[1][5] == 0, "no argument words")
    check(started_cap(mock.started[2], "echo_session").handle ~=
          started_cap(mock.started[3], "echo_session").handle, "a session each")
    check(mem.used == before + 8192 and ch.handle.open == 2, "two gates")
    table.insert(mock.exits, { a.id, 0 })
    table.insert(mock.exits, { b.id, 0 })
    L4.process_events(0)
    L4.process_events(0)
    check(mem.used == before and ch.handle.open == 0, "both given back")
end)

test("a restart opens a new session through the fresh quota", function()
    local ch = server_and_channel()
    local app = ld:start({ caps = { s = ch:create(L4.Proto.Echo) }, quota = 8192, restart = 1 },
                        "rom/flaky")
    local first = mock.factories[#mock.factories]
    table.insert(mock.exits, { app.id, 1 })
    L4.process_events(0)
    local second = mock.factories[#mock.factories]
    local open = calls_of("session_open")
    check(#open == 2 and open[1][4] == first and open[2][4] == second and first ~= second,
          "each run's session paid by its own quota")
    local given = started_cap(mock.started[#mock.started], "s").handle
    check(given.kind == "session" and not given.released, "the new session handed on")
    check(first.used == 0 and ch.handle.open == 1, "the first run's gate went back")
    table.insert(mock.exits, { app.id, 1 })
    L4.process_events(0)
    check(ch.handle.open == 0 and app:state() == "zombie", "none left at the end")
    -- A restart whose session the server refuses: logged, and the program stays ended.
    local mem = L4.Env.factory.handle
    local before = mem.used
    local refused = ld:start({ caps = { s = ch:create(L4.Proto.Echo) }, quota = 8192,
                               restart = 1 }, "rom/refused")
    ch.handle.protocol = L4.Proto.Rm
    table.insert(mock.exits, { refused.id, 1 })
    L4.process_events(0)
    ch.handle.protocol = nil
    check(mock.logs[#mock.logs]:find("^ned: restarting rom/refused failed: rom/refused: s = " ..
                                     "create%(L4.Proto.Echo%) at [^ ]-test_l4_library%.lua:%d+: " ..
                                     "rom/echo%-server: not that protocol %(ENOSYS%)$"),
          "logged: " .. tostring(mock.logs[#mock.logs]))
    check(refused:state() == "zombie" and refused:exit_code() == 1, "ended with its status")
    check(mem.used == before and ch.handle.open == 0, "nothing left")
end)

test("session arguments are checked at the create, by the script's line", function()
    local ch = server_and_channel()
    local message = expect_error("create(L4.Proto.Echo): argument 2 is a table; session " ..
                                 "arguments are numbers and strings",
                                 function() ch:create(L4.Proto.Echo, {}) end)
    check(message:find("^.-test_l4_library%.lua:%d+: create"), message)
    expect_error("argument 3 (-1) must be a whole number from 0 to 0xFFFFFFFF",
                 function() ch:create(L4.Proto.Echo, "x", -1) end)
    expect_error("argument 2 (1.5) must be a whole number",
                 function() ch:create(L4.Proto.Echo, 1.5) end)
    expect_error("argument 2 (4294967296) must be a whole number",
                 function() ch:create(L4.Proto.Echo, 2 ^ 32) end)
    expect_error("argument 2 is a nil", function() ch:create(L4.Proto.Echo, nil, 1) end)
    expect_error("argument 3 is a boolean", function() ch:create(L4.Proto.Echo, 1, true) end)
    expect_error("the arguments take 9 words, at most 8 fit (a string: 1 + its bytes / 4)",
                 function() ch:create(L4.Proto.Echo, string.rep("x", 29)) end)
    check(L4.is_session(ch:create(L4.Proto.Echo, string.rep("x", 28))), "28 bytes fit")
    expect_error("create: the first argument is a protocol number of L4.Proto, not 4660",
                 function() ch:create(0x1234) end)
    expect_error("not Echo", function() ch:create("Echo") end)
    expect_error("create(L4.Proto.Echo): scheduler is no channel",
                 function() L4.Env.scheduler:create(L4.Proto.Echo) end)
    check(#calls_of("session_open") == 0, "nothing was sent")
end)

test("a server's refusal fails the start by name and leaves nothing behind", function()
    local ch = server_and_channel()
    local mem = L4.Env.factory.handle
    local before = mem.used
    local message = expect_error("rom/c: echo_session = create(L4.Proto.Rm): " ..
                                 "rom/echo-server: not that protocol (ENOSYS)",
        function() ld:start({ caps = { echo_session = ch:create(L4.Proto.Rm) },
                              quota = 8192 }, "rom/c") end)
    check(message:find("^[^ ]-test_l4_library%.lua:%d+: rom/c: echo_session"), message)
    -- Made on another line than the start's: the message says where.
    local elsewhere = ch:create(L4.Proto.Echo, 500)
    message = expect_error("rom/echo-server: refused the arguments (ERANGE)",
                           function() ld:start({ caps = { s = elsewhere } }, "rom/c") end)
    check(message:find("s = create%(L4.Proto.Echo%) at [^ ]-test_l4_library%.lua:%d+: rom/echo"),
          message)
    expect_error("rom: opens no sessions (it does not speak FACTORY) (EBADPROTO)",
                 function() ld:start({ caps = { s = L4.Env.rom:create(L4.Proto.Echo) } },
                                     "rom/c") end)
    -- The first session opened, the second refused: the first goes again.
    expect_error("rom/c: second = create(L4.Proto.Echo)",
                 function() ld:start({ caps = { first = ch:create(L4.Proto.Echo),
                                                second = ch:create(L4.Proto.Echo, 101) },
                                       quota = 8192, log = { "c", "red" } }, "rom/c") end)
    check(#mock.started == 1, "only the server started")
    check(ch.handle.open == 0, "no session left open")
    check(mem.used == before, "every quota and gate given back")
    expect_error("out of memory (the program's quota pays for the gate) (ENOMEM)",
                 function() ld:start({ caps = { s = ch:create(L4.Proto.Echo) }, quota = 100 },
                                     "rom/tiny") end)
    check(mem.used == before, "and after a quota too small for the gate")
end)

test("an open waits for the channel's server, and fails when there is none", function()
    local lonely = ld:new_channel()
    lonely.handle.bound = false
    expect_error("create(L4.Proto.Echo): no program serves the channel (none got its svr())",
                 function() ld:start({ caps = { s = lonely:create(L4.Proto.Echo) } }, "rom/c") end)
    local ch, server = server_and_channel()
    ch.handle.bound = false
    local waits = 0
    mock.on_wait = function()
        waits = waits + 1
        if waits == 3 then ch.handle.bound = true end
    end
    ld:start({ caps = { s = ch:create(L4.Proto.Echo) } }, "rom/patient")
    mock.on_wait = nil
    check(waits == 3 and #calls_of("session_open") == 1, "opened once the server bound it")
    local late = ld:new_channel()
    late.handle.bound = false
    local quitter = ld:start({ caps = { echo = late:svr() } }, "rom/quitter")
    table.insert(mock.exits, { quitter.id, 1 })
    expect_error("rom/quitter ended with status 1 without serving the channel",
                 function() ld:start({ caps = { s = late:create(L4.Proto.Echo) } }, "rom/c") end)
    server:kill()
end)

test("session_info gives a server's counts", function()
    local ch = server_and_channel()
    local app = ld:start({ caps = { s = ch:create(L4.Proto.Echo) } }, "rom/c")
    local info = ch:session_info()
    check(info.open == 1 and info.objects == 2 and info.free_slots == 100, "the counts")
    app:kill()
    check(ch:session_info().open == 0, "closed with the program")
    expect_error("session_info: no session counts", function() L4.Env.log:session_info() end)
end)

test("apps lists the running applications in start order; an app shows its number", function()
    local function listed(app)
        for i, a in ipairs(L4.apps()) do if a == app then return i end end
    end
    local a = ld:start({}, "rom/first")
    local b = ld:start({}, "rom/second")
    check(listed(a) and listed(b) and listed(a) < listed(b), "both, in start order")
    check(tostring(a) == "app " .. a.id .. " rom/first (running)", "tostring: " .. tostring(a))
    a:kill()
    check(not listed(a) and listed(b), "a killed one is gone, the other stays")
    check(tostring(a) == "app " .. a.id .. " rom/first (zombie)", "tostring after the kill")
    b:kill()
end)

test("a library source's lines are skipped: a mistake is its caller's line", function()
    -- A layer over L4 (as ned's prompt.lua is), calling the loader not as a tail call.
    local layer = assert(loadstring("return function(opts, command)\n" ..
                                    "    local app = L4.default_loader:start(opts, command)\n" ..
                                    "    return app\n" ..
                                    "end", "@layer.lua"))
    setfenv(layer, { L4 = L4 })
    local start = layer()
    local message = expect_error("unknown option 'cpas'",
                                 function() start({ cpas = {} }, "rom/typo") end)
    check(message:find("^layer%.lua:2: rom/typo"), "the layer's line first: " .. message)
    L4.library_source("@layer.lua")
    message = expect_error("unknown option 'cpas'",
                           function() start({ cpas = {} }, "rom/typo") end)
    check(message:find("^.-test_l4_library%.lua:%d+: rom/typo: unknown option"),
          "then the caller's line: " .. message)
end)

print(passed .. " passed, " .. failed .. " failed")
os.exit(failed == 0 and 0 or 1)
