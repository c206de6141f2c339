-- SPDX-License-Identifier: MIT
--
-- L4: the Lua library of ned, Pecan's boot-script loader (docs/ned.md).
--
-- It follows L4Re's ned API where it fits, so scripts carry over: L4.default_loader,
-- loader:new_channel(), loader:start(opts, "rom/prog args"), cap:m("rw"), cap:svr(),
-- channel:create(L4.Proto.X, args...) for a session at a server, L4.Env, L4.Proto,
-- L4.Rights. Everything that touches the system goes through L4.core
-- (pkg/ned/core.c, or a mock in the host tests); this file checks arguments and turns a
-- mistake in a script into one error message that names the culprit. Every number of the
-- C headers (protocols, errors, rights) comes from L4.abi, which the build generates from
-- them (tools/gen-l4-abi): none is typed here.
--
-- Capabilities are L4.core values (core.rights(cap) tells what ned's copy carries) plus a
-- rights mask: m() and svr() only change the mask, and the program started with the
-- capability gets a copy with the masked rights (ned's own copy keeps GRANT, which every
-- copy into a program needs). Rights are the kernel's (pecan/protocols.h, through L4.abi).
-- On an IPC gate READ is the server's right (bind it, control it), so a client end never
-- gets it unless the script says "c" or svr().

local core = require("L4.core")
local abi = require("L4.abi")

local L4 = {}

-- Protocol numbers (pecan/protocol_numbers.h: L4.Proto.Rm is PECAN_PROTO_REGION_MAP), the
-- labels of the kernel's own messages, error codes as C names them (a failed call returns
-- -L4.Err.EPERM), IPC statuses and each as a failed call returns it (L4.Ipc_error.TIMEOUT,
-- C's PECAN_IPC_ERROR(PECAN_IPC_TIMEOUT)).
L4.Proto = abi.Proto
L4.Label = abi.Label
L4.Err = abi.Err
L4.Ipc_status = abi.Ipc_status
L4.Ipc_error = abi.Ipc_error

local WRITE, GRANT, READ, REVOKE = abi.Right.WRITE, abi.Right.GRANT, abi.Right.READ,
                                   abi.Right.REVOKE
local ALL_RIGHTS = abi.Right.ALL

-- L4Re's letters: r read, w write, s send capabilities on, d delete (revoke), c the
-- server right of an IPC gate. n (no reference counting) has no meaning here.
L4.Rights = { r = READ, w = WRITE, s = GRANT, d = REVOKE, c = READ,
              ro = READ, rw = READ + WRITE, rws = READ + WRITE + GRANT,
              rwsd = READ + WRITE + GRANT + REVOKE }

L4.Mem_alloc_flags = { Continuous = 1 }

-- Colour names and L4Re's one-letter forms; ANSI colour numbers.
local colours = {
    black = 0, red = 1, green = 2, yellow = 3, blue = 4, magenta = 5, cyan = 6, white = 7,
    k = 0, r = 1, g = 2, y = 3, b = 4, m = 5, c = 6, w = 7,
}

-- The script position that led here ("rom/x.lua:12"): the first caller outside this
-- file and the other library sources, so a mistake is reported at the script line that
-- made it. nil if there is none.
local library_sources = { [debug.getinfo(1, "S").source] = true }
local function script_position()
    for level = 3, 50 do
        local info = debug.getinfo(level, "Sl")
        if not info then break end
        if not library_sources[info.source] and info.currentline and info.currentline > 0 then
            return info.short_src .. ":" .. info.currentline
        end
    end
    return nil
end

-- L4.library_source(source): the lines of source (debug.getinfo's, e.g. "@prompt.lua")
-- are a layer over this module, not the script: ned's prompt commands call the loader
-- for the line typed, and a mistake is that line's.
function L4.library_source(source)
    library_sources[source] = true
end

-- Raises message prefixed with the script position that led here.
local function fail(message)
    local position = script_position()
    error(position and position .. ": " .. message or message, 0)
end

-- Names for numbers in messages: "L4.Proto.Echo", "ENOSYS", "IPC TIMEOUT".
local function names_of(map, prefix)
    local names = {}
    for name, number in pairs(map) do names[number] = prefix .. name end
    return names
end
local protocol_names = names_of(abi.Proto, "L4.Proto.")
local error_names = names_of(abi.Err, "")
local ipc_error_names = names_of(abi.Ipc_error, "IPC ")

-- "ENOSYS" for a failed call's result (-38), "error -5000" for a number of no name.
local function error_text(err)
    return error_names[-err] or ipc_error_names[err] or "error " .. tostring(err)
end

-- Lua 5.1 has no bit operators: rights are 4 bits, so combine them digit by digit.
local function bit_combine(a, b, both)
    local result, place = 0, 1
    for _ = 1, 4 do
        local x, y = a % 2 == 1, b % 2 == 1
        if (both and x and y) or (not both and (x or y)) then result = result + place end
        a, b, place = math.floor(a / 2), math.floor(b / 2), place * 2
    end
    return result
end
local function bit_or(a, b) return bit_combine(a, b, false) end
local function bit_and(a, b) return bit_combine(a, b, true) end

-- A rights argument (a string of letters or a number) as kernel rights. is_gate: READ
-- only with "c" (the server right), since "r" is implied for gates as in L4Re.
local function parse_rights(spec, is_gate)
    if type(spec) == "number" then
        if spec < 0 or spec > ALL_RIGHTS or spec % 1 ~= 0 then
            fail("bad rights " .. tostring(spec) .. " (0-" .. ALL_RIGHTS .. ")")
        end
        return spec
    end
    if type(spec) ~= "string" then
        fail("rights must be a string like \"rw\" or a number, not " .. type(spec))
    end
    local rights = 0
    for letter in spec:gmatch(".") do
        if letter == "n" then
            -- accepted for L4Re scripts; nothing to do
        elseif letter == "r" then
            if not is_gate then rights = bit_or(rights, READ) end
        elseif L4.Rights[letter] and #letter == 1 then
            rights = bit_or(rights, L4.Rights[letter])
        else
            fail("bad right '" .. letter .. "' in \"" .. spec .. "\" (use r w s d c)")
        end
    end
    return rights
end

-- ---- capabilities -------------------------------------------------------------------------

local Cap = {}
Cap.__index = Cap

-- is_gate: the object is an IPC gate (all of moe's objects are); server_end: the script
-- made it with svr() or asked for "c", so it keeps READ when handed to a program.
local function wrap(handle, is_gate, label, server_end, mask)
    return setmetatable({ handle = handle, is_gate = is_gate, label = label,
                          server_end = server_end or false, mask = mask or ALL_RIGHTS }, Cap)
end

function Cap:rights()
    return bit_and(core.rights(self.handle), self.mask)
end

-- A reference with fewer rights (never more than this one has).
function Cap:mode(spec)
    if spec == nil then return self:rights() end
    local wanted = parse_rights(spec, self.is_gate)
    local server_end = self.is_gate and type(spec) == "string" and spec:find("c") ~= nil
    return wrap(self.handle, self.is_gate, self.label, server_end,
                bit_and(wanted, self:rights()))
end
Cap.m = Cap.mode

-- The server end of a channel: every right, including binding the gate.
function Cap:svr()
    return wrap(self.handle, self.is_gate, self.label, true, self:rights())
end

function Cap:is_valid()
    return core.is_valid(self.handle)
end

-- The objects a factory (moe's, pecan/protocol/factory.h) makes when create names their
-- protocol; every other protocol of L4.Proto is a session at a server (new_session).
local factory_objects = {
    [L4.Proto.Ipc_gate] = true, [L4.Proto.Factory] = true, [L4.Proto.Log] = true,
    [L4.Proto.Dataspace] = true, [L4.Proto.Namespace] = true, [L4.Proto.Notification] = true,
}
local new_session

-- Generic create, as in L4Re: numbers and strings become arguments. An object a factory
-- makes is made now; any other protocol is a session at the server behind this channel,
-- opened for each program it is handed to (new_session, below).
function Cap:create(proto, ...)
    if type(proto) ~= "number" or not protocol_names[proto] then
        fail("create: the first argument is a protocol number of L4.Proto, not " ..
             tostring(proto))
    end
    if not factory_objects[proto] then return new_session(self, proto, ...) end
    local handle, message = core.factory_create(self.handle, proto, ...)
    if not handle then fail("create: " .. message) end
    return wrap(handle, proto == L4.Proto.Ipc_gate or proto > 0, "created")
end

-- The session counts of a framework server, asked through its channel (Pecan's, not
-- L4Re's): { open = sessions open, objects = objects registered on its session threads,
-- free_slots = its free capability slots }. So a script can see sessions go.
function Cap:session_info()
    local open, objects, free_slots = core.session_info(self.handle)
    if not open then fail("session_info: " .. tostring(objects)) end
    return { open = open, objects = objects, free_slots = free_slots }
end

-- A factory's figures (Pecan's, not L4Re's): { quota = bytes, used = bytes, objects =
-- count, moe_free = moe's free RAM in bytes, moe_own = bytes moe's own quota holds }; the
-- last two nil if the factory's server does not say. So a script can check that what its
-- programs held came back (conf/crash.lua, conf/attack.lua).
function Cap:factory_info()
    local quota, used, objects, moe_free, moe_own = core.factory_info(self.handle)
    if not quota then fail("factory_info: " .. tostring(used)) end
    return { quota = quota, used = used, objects = objects, moe_free = moe_free,
             moe_own = moe_own }
end

function Cap:__tostring()
    return "cap(" .. tostring(self.label or "?") .. ", rights " .. self:rights() .. ")"
end

-- A namespace lookup: like L4Re it returns a closure evaluated when the caps table is used.
function Cap:query(name)
    local ns = self
    return function()
        local handle = core.query(ns.handle, name)
        return handle and wrap(handle, true, name) or nil
    end
end
Cap.q = Cap.query

-- A whole number from 0 to 2^32 - 1 (an address, a size, an IRQ number), or a failure
-- naming it.
local function check_word(value, what, context)
    if type(value) ~= "number" or value % 1 ~= 0 or value < 0 or value > 0xFFFFFFFF then
        fail(context .. ": " .. what .. " must be a whole number from 0 to 0xFFFFFFFF, not " ..
             tostring(value))
    end
    return value
end

-- A driver's share of a device (docs/drivers.md): iomem:view(phys, size) is an IOMEM
-- object covering the device memory [phys, phys + size) only (4 KiB aligned);
-- icu:view(first, count) an ICU covering the interrupt lines first .. first + count - 1.
-- The view's record is paid for by factory (default L4.Env.factory, the loader's own).
function Cap:view(start, length, factory)
    check_word(start, "the start", "view")
    check_word(length, "the length", "view")
    factory = factory or L4.Env.factory
    if not L4.is_cap(factory) then fail("view: the factory that pays must be a capability") end
    local handle, message = core.view(self.handle, start, length, factory.handle)
    if not handle then
        fail(string.format("view of 0x%x+0x%x: %s", start, length, message))
    end
    return wrap(handle, true, "view")
end

-- The physical address of a dataspace whose pages are contiguous (FACTORY CREATE with
-- L4.Mem_alloc_flags.Continuous) or device memory, e.g. a framebuffer for a display
-- driver; nil for other dataspaces.
function Cap:phys()
    local size, flags, phys = core.dataspace_info(self.handle)
    if not size then fail("phys: " .. flags) end
    return phys
end

L4.is_cap = function(v) return getmetatable(v) == Cap end

-- ---- sessions at servers of the framework -------------------------------------------------
--
-- channel:create(L4.Proto.Echo, args...) is, as in L4Re, a session at the server behind
-- the channel, to hand to a program in its caps. It is opened when that program starts,
-- the framework's way (pecan/session.h, docs/servers.md): ned makes the session's gate
-- through the program's own factory (its quota, or the loader's mem), so the program's
-- quota pays for it, and sends it with FACTORY CREATE. It lives as long as that run of
-- the program: when the program ends ned deletes its copy and gives the gate back
-- (FACTORY RELEASE through the program's factory; the server sees the session go), and a
-- restart opens a new one. Handed to several programs, each gets a session of its own.
-- Argument words: a number is one word (a whole number, 0 to 0xFFFFFFFF); a string is its
-- length in bytes and then its bytes packed four to a word (little-endian), as moe's
-- factory takes a log's tag.

local Session = {}
Session.__index = Session

L4.is_session = function(v) return getmetatable(v) == Session end

-- The programs that got a channel's server end (svr() or "c"), by its core handle: the
-- ones that can serve sessions on it.
local servers_of = setmetatable({}, { __mode = "k" })

-- Lua numbers and strings as argument words (context names the create in messages).
local function argument_words(context, count, ...)
    local words = {}
    for i = 1, count do
        local value = select(i, ...)
        local position = "argument " .. (i + 1)
        if type(value) == "number" then
            if value % 1 ~= 0 or value < 0 or value > 0xFFFFFFFF then
                fail(context .. ": " .. position .. " (" .. tostring(value) ..
                     ") must be a whole number from 0 to 0xFFFFFFFF")
            end
            words[#words + 1] = value
        elseif type(value) == "string" then
            words[#words + 1] = #value
            for first = 1, #value, 4 do
                local word = 0
                for j = 3, 0, -1 do word = word * 256 + (value:byte(first + j) or 0) end
                words[#words + 1] = word
            end
        else
            fail(context .. ": " .. position .. " is a " .. type(value) ..
                 "; session arguments are numbers and strings")
        end
    end
    if #words > core.SESSION_MAX_ARGS then
        fail(context .. ": the arguments take " .. #words .. " words, at most " ..
             core.SESSION_MAX_ARGS .. " fit (a string: 1 + its bytes / 4)")
    end
    return words
end

-- channel:create(proto, ...) for a session: checked now, opened by the loader.
new_session = function(channel, proto, ...)
    local context = "create(" .. protocol_names[proto] .. ")"
    if not channel.is_gate then
        fail(context .. ": " .. tostring(channel.label) .. " is no channel (an IPC gate " ..
             "to a server), so it opens no sessions")
    end
    local words = argument_words(context, select("#", ...), ...)
    return setmetatable({ channel = channel, proto = proto, words = words, what = context,
                          position = script_position() }, Session)
end

-- session:charged(): the server may charge what it makes for the session to the receiving
-- program's quota too (it gets that program's factory with the open; mag makes the
-- session's buffers through it: docs/graphics.md). Only for a server trusted with it.
function Session:charged()
    self.charge = true
    return self
end

function Session:__tostring()
    return "session(" .. self.what .. ")"
end

-- Who answers on a channel, for messages: the program serving it, or the channel's name.
local function server_name(handle, label)
    local apps = servers_of[handle]
    return apps and apps[1] and apps[1].name or tostring(label)
end

-- What a session factory's refusal means (the framework's CREATE errors).
local session_refusals = {
    [-L4.Err.ENOSYS] = "not that protocol",
    [-L4.Err.EBADPROTO] = "opens no sessions (it does not speak FACTORY)",
    [-L4.Err.ENOMEM] = "out of memory (the program's quota pays for the gate)",
    [-L4.Err.EMSGTOOSHORT] = "refused the arguments",
    [-L4.Err.EINVAL] = "refused the arguments",
    [-L4.Err.ERANGE] = "refused the arguments",
}

-- How long a server may take to answer a session open, in ms, so that one that takes the
-- request and never answers cannot stop the script: the open fails with a message instead
-- (0: no limit). A script may change it before its opens.
L4.session_timeout_ms = 30000

-- Before the open: a gate no thread serves yet waits for the program that got its server
-- end (serving the other programs meanwhile), as a message would; with no such program
-- left running the open could never be answered, so it fails.
local function wait_for_server(session)
    local handle = session.channel.handle
    while core.gate_bound(handle) == false do
        local running, ended = false, nil
        for _, app in ipairs(servers_of[handle] or {}) do
            if app.exited then ended = app else running = true end
        end
        if not running then
            if ended then
                return nil, ended.name .. " ended with status " .. tostring(ended.status) ..
                            " without serving the channel"
            end
            return nil, "no program serves the channel (none got its svr())"
        end
        L4.process_events(10)
    end
    return true
end

-- Opens one: session handle and gate (nil: the server paid), or nil and a message that
-- says where the script made the request unless that is the position of the start.
local function open_session(session, factory)
    local what = session.what
    if session.position and session.position ~= script_position() then
        what = what .. " at " .. session.position
    end
    local ok, message = wait_for_server(session)
    if not ok then return nil, what .. ": " .. message end
    local handle, gate, err = core.session_open(session.channel.handle, session.proto,
                                                factory, session.words, session.charge,
                                                L4.session_timeout_ms)
    if not handle then
        local why = session_refusals[err] or "refused"
        if err == L4.Ipc_error.TIMEOUT then
            why = "did not answer within " .. L4.session_timeout_ms .. " ms"
        end
        return nil, what .. ": " .. server_name(session.channel.handle, session.channel.label) ..
                    ": " .. why .. " (" .. error_text(err or 0) .. ")"
    end
    return handle, gate
end

-- ---- the loader's environment ----------------------------------------------------------------

L4.Env = {}
for name, entry in pairs(core.env()) do
    L4.Env[name] = wrap(entry.handle, entry.is_gate, name)
end
L4.Env.user_factory = L4.Env.factory
L4.Env.mem_alloc = L4.Env.factory

-- The run's arguments: key = value strings (`./pecan run <scenario> --set key=value`; ned
-- fills this table from its --args=<file> before the script runs). Empty without any.
L4.Args = {}

-- ---- applications -----------------------------------------------------------------------------

local App = {}
App.__index = App
-- How an application shows at ned's prompt: "app 3 rom/x.elf (running)".
App.__tostring = function(app)
    return "app " .. tostring(app.id) .. " " .. app.name .. " (" .. app:state() .. ")"
end

local apps = {}   -- by core id: every started application that has not been reaped
L4.exit_statuses = {}   -- program name -> status of its last exit (for ned --exit-with)

function App:state()
    return self.exited and "zombie" or "running"
end

function App:exit_code()
    return self.status
end

-- Blocks (serving exits of the other applications) until this one has exited.
function App:wait()
    while not self.exited do
        L4.process_events(nil)
    end
    return self.status
end

function App:kill()
    if self.exited then return self.status end
    core.kill(self.id)
    self.restart_left = 0
    while not self.exited do L4.process_events(nil) end
    return "killed"
end

function App:exit_handler(handler)
    self.on_exit = handler
    if self.exited then handler(self.status, self.fault) end
end

-- One line for the log: the exit status, or what ended a crashed application.
local function describe_exit(app, status, cause)
    if status == "crashed" then return app.name .. " crashed: " .. (cause or "?") end
    return app.name .. " exited with " .. tostring(status)
end

-- The quota ned made for a program (option quota) is a sub-factory of the loader's mem.
-- When the program ends (exit, kill, crash) ned DESTROYs it through mem: whatever the
-- program built (a namespace holding itself and its factory) goes, and mem gets the
-- whole quota back. Releasing ned's copy alone would leave such a cycle alive.
local function end_quota(app)
    local quota = app.quota
    if not quota or not app.spec.factory then return end
    local ok, message = core.factory_destroy(quota.mem, app.spec.factory)
    if not ok then
        core.log("ned: " .. app.name .. ": its quota could not be taken back: " .. message)
    end
    core.release(app.spec.factory)
    app.spec.factory = nil
end

-- A restart gets a fresh quota of the same size.
local function renew_quota(app)
    local quota = app.quota
    if not quota then return true end
    local handle, message = core.factory_create(quota.mem, L4.Proto.Factory, quota.bytes,
                                                quota.name)
    if not handle then return nil, "cannot create its quota again: " .. message end
    app.spec.factory = handle
    return true
end

-- The sessions a program's caps name (channel:create of a session protocol), opened for
-- this run, their gates made through its factory. On a failure the ones opened go again.
local close_sessions
local function open_sessions(app)
    app.sessions = {}
    for _, entry in ipairs(app.spec.caps) do
        if entry.session then
            local handle, gate = open_session(entry.session, app.spec.factory)
            if not handle then
                close_sessions(app)
                return nil, app.name .. ": " .. entry.name .. " = " .. gate
            end
            entry.handle = handle
            entry.rights = bit_and(core.rights(handle), WRITE + GRANT)
            app.sessions[#app.sessions + 1] = { handle = handle, gate = gate,
                                                factory = app.spec.factory }
        end
    end
    return true
end

-- The end of a run's sessions: ned's copy goes and each gate back to the factory that
-- paid for it (before a quota is DESTROYed, which would take it anyway), so the server
-- sees the session's last capability go and the quota is whole again.
close_sessions = function(app)
    for _, session in ipairs(app.sessions or {}) do
        core.release(session.handle)
        if session.gate then
            local ok, message = core.factory_release(session.factory, session.gate)
            if not ok then
                core.log("ned: " .. app.name .. ": a session's gate could not be given " ..
                         "back: " .. message)
            end
            core.release(session.gate)
        end
    end
    app.sessions = {}
end

-- Once a program has ended for good, the objects ned made only for it go at once (not
-- when Lua collects them): its log.
local function release_made(app)
    if app.own_log and app.spec.log then
        core.release(app.spec.log)
        app.spec.log = nil
    end
end

local function restart(app)
    local ok, message = renew_quota(app)
    local id
    if ok then ok, message = open_sessions(app) end
    if ok then id, message = core.start(app.spec) end
    if not id then
        core.log("ned: restarting " .. app.name .. " failed: " .. message)
        close_sessions(app)
        end_quota(app)
        return false
    end
    app.id = id
    app.restarts = app.restarts + 1
    apps[id] = app
    return true
end

-- An exit or crash of app (cause: what ended a crashed one). Its sessions are closed and
-- its quota DESTROYed first (close_sessions, end_quota). A crash is always logged; a
-- non-zero status or a crash restarts it, with a fresh quota and new sessions, while it
-- has restarts left.
local function note_exit(app, status, cause)
    apps[app.id] = nil
    app.fault = status == "crashed" and cause or nil
    close_sessions(app)
    end_quota(app)
    if app.restart_left > 0 and status ~= 0 then
        app.restart_left = app.restart_left - 1
        core.log("ned: " .. describe_exit(app, status, cause) .. ", restarting (" ..
                 app.restart_left .. " restarts left)")
        if restart(app) then return end
    elseif status == "crashed" then
        core.log("ned: " .. describe_exit(app, status, cause))
    end
    release_made(app)
    app.exited = true
    app.status = status
    L4.exit_statuses[app.name] = status
    if app.on_exit then app.on_exit(status, app.fault) end
end

-- Handles the next exit of a child (waits at most timeout_ms; nil: for ever). Returns
-- whether there was one.
function L4.process_events(timeout_ms)
    local id, status, cause = core.wait_exit(timeout_ms)
    if not id then return false end
    local app = apps[id]
    if app then note_exit(app, status, cause) end
    return true
end

function L4.running_apps()
    local n = 0
    for _ in pairs(apps) do n = n + 1 end
    return n
end

-- The applications that have not ended for good (running, or between a crash and its
-- restart), in the order they were started: what ned's prompt lists (ps()).
function L4.apps()
    local list = {}
    for _, app in pairs(apps) do list[#list + 1] = app end
    table.sort(list, function(a, b) return a.id < b.id end)
    return list
end

-- ---- the loader -------------------------------------------------------------------------------

local Loader = {}
Loader.__index = Loader
L4.Loader = Loader

function Loader.new(fabs)
    fabs = fabs or {}
    local ld = setmetatable({}, Loader)
    ld.mem = fabs.mem or fabs.factory or L4.Env.factory
    ld.factory = fabs.factory or ld.mem
    ld.log_fab = fabs.log_fab or ld.mem
    return ld
end

function Loader:new_channel()
    local handle, message = core.factory_create(self.factory.handle, L4.Proto.Ipc_gate)
    if not handle then fail("new_channel: " .. message) end
    -- The script's reference is the server's; ends handed out lose READ unless svr().
    local ch = wrap(handle, true, "channel")
    return ch
end

local known_options = { caps = true, log = true, scheduler = true, mem = true,
                        quota = true, env = true, restart = true, factory = true,
                        priority = true, mcp = true, l4re_dbg = true, ldr_flags = true }

local function split_command(command)
    local words = {}
    for word in command:gmatch("%S+") do words[#words + 1] = word end
    return words
end

-- A caps table is a map of name = cap (or a closure returning one). The list form
-- { {"name", cap}, ... } is accepted too, and there a name can appear twice: an error.
local function collect_caps(caps, program)
    local out, seen = {}, {}
    local function add(name, value)
        if type(name) ~= "string" or name == "" then
            fail(program .. ": capability names are non-empty strings")
        end
        if #name >= core.NAME_SIZE then
            fail(program .. ": capability name '" .. name .. "' is longer than " ..
                 (core.NAME_SIZE - 1) .. " characters")
        end
        if seen[name] then
            fail(program .. ": capability name '" .. name .. "' is used twice")
        end
        seen[name] = true
        if type(value) == "function" then value = value() end
        if value == nil then
            fail(program .. ": capability '" .. name .. "' is nil (not found?)")
        end
        if L4.is_session(value) then
            -- Opened when the program starts (open_sessions), as the server gave it.
            out[#out + 1] = { name = name, session = value }
            return
        end
        if not L4.is_cap(value) then
            fail(program .. ": capability '" .. name .. "' is a " .. type(value) ..
                 ", not a capability")
        end
        local rights = value:rights()
        -- A gate handed to a client loses the server right.
        if value.is_gate and not value.server_end then
            rights = bit_and(rights, WRITE + GRANT)
        end
        out[#out + 1] = { name = name, handle = value.handle, rights = rights,
                          serves = value.is_gate and value.server_end or nil }
    end
    for key, value in pairs(caps) do
        if type(key) == "number" then
            if type(value) ~= "table" or L4.is_cap(value) then
                fail(program .. ": caps entry " .. key .. " must be {\"name\", cap}")
            end
            add(value[1], value[2])
        else
            add(key, value)
        end
    end
    table.sort(out, function(a, b) return a.name < b.name end)
    return out
end

local LOG_TAG_MAX = 16   -- moe's limit (servers/moe/log.c)
local LOG_INPUT = 0x100  -- PECAN_LOG_INPUT (pecan/protocol/factory.h): a console with input

-- log = {tag, colour} or {tag, colour, input = true}: with input the log is the program's
-- console for reading too (descriptor 0; moe gives what is typed at the serial line to the
-- input log that bound last, docs/runtime.md "Console input").
local function make_log(ld, opts, program)
    local log = opts.log
    if log == nil then
        local tag = program:match("([^/]+)$"):gsub("%.elf$", "")
        log = { tag:sub(1, LOG_TAG_MAX), "white" }
    end
    if L4.is_cap(log) then return log.handle, false end
    if type(log) ~= "table" then
        fail(program .. ": option 'log' must be a capability or {tag, colour[, input = true]}")
    end
    local tag, colour = log[1], log[2] or "white"
    if type(tag) ~= "string" or tag == "" then
        fail(program .. ": the log tag must be a non-empty string")
    end
    if #tag > LOG_TAG_MAX then
        fail(program .. ": log tag '" .. tag .. "' is longer than " .. LOG_TAG_MAX ..
             " characters")
    end
    local number = type(colour) == "number" and colour or colours[colour]
    if not number then
        fail(program .. ": unknown log colour '" .. tostring(colour) .. "'")
    end
    if log.input ~= nil and type(log.input) ~= "boolean" then
        fail(program .. ": the log option 'input' must be true or false")
    end
    if log.input then number = number + LOG_INPUT end
    local handle, message = core.factory_create(ld.log_fab.handle, L4.Proto.Log, tag, number)
    if not handle then fail(program .. ": cannot create its log: " .. message) end
    return handle, true
end

-- The program's factory: mem itself, or with option quota a sub-factory of mem made for
-- it (then also returns what end_quota and renew_quota need).
local function make_factory(ld, opts, program)
    local mem = opts.mem or ld.mem
    if not L4.is_cap(mem) then
        fail(program .. ": option 'mem' must be a factory capability")
    end
    if opts.quota == nil then
        return mem.handle
    end
    local quota = opts.quota
    if type(quota) ~= "number" or quota <= 0 or quota % 1 ~= 0 then
        fail(program .. ": option 'quota' must be a positive number of bytes")
    end
    local limit, used = core.factory_info(mem.handle)
    if limit and quota > limit - used then
        fail(program .. ": quota of " .. quota .. " bytes is more than the loader has (" ..
             (limit - used) .. " bytes free)")
    end
    -- Named after the program, so moe's memory report shows whose quota it is.
    local name = program:match("([^/]+)$"):gsub("%.elf$", ""):sub(1, 15)
    local handle, message = core.factory_create(mem.handle, L4.Proto.Factory, quota, name)
    if not handle then
        fail(program .. ": cannot create a quota of " .. quota .. " bytes: " .. message)
    end
    return handle, { mem = mem.handle, bytes = quota, name = name }
end

local function collect_env(env, program)
    local out = {}
    if env == nil then return out end
    if type(env) ~= "table" then fail(program .. ": option 'env' must be a table") end
    for name, value in pairs(env) do
        if type(name) ~= "string" or name:find("=") then
            fail(program .. ": bad environment variable name '" .. tostring(name) .. "'")
        end
        out[#out + 1] = name .. "=" .. tostring(value)
    end
    table.sort(out)
    return out
end

-- The main thread's priority (1-255, default 100) and the program's MCP, the highest
-- priority its threads may have or give (from the priority to 255, default the
-- priority; children_start refuses one above ned's own MCP).
local function check_priorities(opts, program)
    local priority = opts.priority or 100
    if type(priority) ~= "number" or priority % 1 ~= 0 or priority < 1 or priority > 255 then
        fail(program .. ": option 'priority' must be a whole number from 1 to 255")
    end
    local mcp = opts.mcp or priority
    if type(mcp) ~= "number" or mcp % 1 ~= 0 or mcp < priority or mcp > 255 then
        fail(program .. ": option 'mcp' must be a whole number from the priority (" ..
             priority .. ") to 255")
    end
    return priority, mcp
end

-- Starts a program: opts as in L4Re (caps, log, scheduler, mem) plus quota (bytes, a
-- sub-factory of mem), env (a table of variables), restart (restarts left when it
-- exits with a non-zero status or dies), priority and mcp (check_priorities).
function Loader:startv(opts, program, ...)
    if type(opts) ~= "table" then fail("start: the first argument is an options table") end
    if type(program) ~= "string" or program == "" then
        fail("start: the program name is missing")
    end
    for name in pairs(opts) do
        if not known_options[name] then
            fail(program .. ": unknown option '" .. tostring(name) .. "'")
        end
    end
    local argv = { program, ... }
    local env = nil
    if type(argv[#argv]) == "table" then env = table.remove(argv) end
    local caps = opts.caps or {}
    if type(caps) ~= "table" then fail(program .. ": option 'caps' must be a table") end
    local has_rom = caps.rom ~= nil
    local cap_list = collect_caps(caps, program)
    if not has_rom and L4.Env.rom then
        table.insert(cap_list, 1, { name = "rom", handle = L4.Env.rom.handle,
                                    rights = bit_and(L4.Env.rom:rights(), WRITE + GRANT) })
    end
    local scheduler = opts.scheduler or L4.Env.scheduler
    if not L4.is_cap(scheduler) then
        fail(program .. ": option 'scheduler' must be a capability")
    end
    local priority, mcp = check_priorities(opts, program)
    local restart = opts.restart or 0
    if restart == true then restart = 1000000 end
    if type(restart) ~= "number" or restart < 0 then
        fail(program .. ": option 'restart' must be true or a number of restarts")
    end
    local spec = {
        program = program,
        argv = argv,
        env = collect_env(opts.env or env, program),
        caps = cap_list,
        scheduler = scheduler.handle,
        priority = priority,
        mcp = mcp,
    }
    local own_log, quota
    spec.log, own_log = make_log(self, opts, program)
    spec.factory, quota = make_factory(self, opts, program)
    local app = setmetatable({ name = program, spec = spec, restart_left = restart,
                               restarts = 0, exited = false, quota = quota,
                               own_log = own_log }, App)
    local ok, message = open_sessions(app)
    local id
    if ok then id, message = core.start(spec) end
    if not id then
        close_sessions(app)
        end_quota(app)
        release_made(app)
        fail(message)
    end
    app.id = id
    apps[id] = app
    for _, entry in ipairs(cap_list) do
        if entry.serves then
            servers_of[entry.handle] = servers_of[entry.handle] or {}
            table.insert(servers_of[entry.handle], app)
        end
    end
    return app
end

function Loader:start(opts, command, env)
    if type(command) ~= "string" then fail("start: the command must be a string") end
    local words = split_command(command)
    if #words == 0 then fail("start: the command is empty") end
    if env ~= nil then words[#words + 1] = env end
    return self:startv(opts, unpack(words))
end

L4.default_loader = Loader.new()

function L4.sleep(seconds) core.sleep_ms(seconds * 1000) end
function L4.msleep(ms) core.sleep_ms(ms) end

return L4
