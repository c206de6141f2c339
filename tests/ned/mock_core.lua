-- SPDX-License-Identifier: MIT
--
-- A stand-in for ned's C core (L4.core) on the host: it records what the library asks
-- for, so tests/ned/test_l4_library.lua can check the calls and their arguments. Handles
-- are small tables {id, rights}; a factory has a quota. It fails the way the real core
-- does (nil plus a message). Numbers come from L4.abi, as the library's do.
local abi = require("L4.abi")
local Proto, Err = abi.Proto, abi.Err
local mock = { NAME_SIZE = 16, SESSION_MAX_ARGS = 8, calls = {}, started = {}, exits = {},
               logs = {}, factories = {} }

local next_id = 100
local function new_handle(kind, rights, extra)
    next_id = next_id + 1
    local h = { id = next_id, kind = kind, rights = rights }
    for k, v in pairs(extra or {}) do h[k] = v end
    return h
end
mock.new_handle = new_handle

local env_factory = new_handle("factory", 7, { limit = 1000000, used = 0 })
local env = {
    log = { handle = new_handle("log", 7), is_gate = true },
    factory = { handle = env_factory, is_gate = true },
    scheduler = { handle = new_handle("scheduler", 7), is_gate = false },
    parent = { handle = new_handle("parent", 7), is_gate = true },
    rom = { handle = new_handle("namespace", 7), is_gate = true },
    iomem = { handle = new_handle("iomem", 3, { first = 0, last = 0xFFFFFFFF }), is_gate = true },
    icu = { handle = new_handle("icu", 3, { first = 0, last = 127 }), is_gate = true },
}

function mock.env() return env end
function mock.rights(h) return h.rights end
function mock.is_valid(h) return h ~= nil end

function mock.factory_create(f, proto, ...)
    table.insert(mock.calls, { "create", f, proto, ... })
    if f.kind ~= "factory" then return nil, "not a factory", -Err.ENOSYS end
    if proto == Proto.Factory then
        local quota = ...
        if quota > f.limit - f.used then return nil, "out of memory (quota)", -Err.ENOMEM end
        f.used = f.used + quota
        return new_handle("factory", 7, { limit = quota, used = 0, parent = f })
    end
    if proto == Proto.Ipc_gate then return new_handle("gate", abi.Right.ALL) end
    if proto == Proto.Log then
        local tag, colour = ...
        return new_handle("log", 7, { tag = tag, colour = colour })
    end
    if proto == 0x4000 then
        local size, flags = ...
        local contiguous = (flags or 0) % 2 == 1
        return new_handle("dataspace", 7, { size = size, flags = flags or 0,
                                            phys = contiguous and 0x01000000 or nil })
    end
    return new_handle("object", 7, { proto = proto })
end

function mock.factory_info(f) return f.limit, f.used, 0, 0, 0 end

-- Sessions as the framework opens them: a gate of 4096 bytes made through factory, then
-- CREATE at the channel. A mock gate serves sessions of its "protocol" (default
-- L4.Proto.Echo) unless it is "unserved"; "bound" is what gate_bound answers (nil: ned
-- cannot tell). The protocol's server refuses a first argument word above 100 (ERANGE).
local GATE_COST = 4096
function mock.session_open(channel, proto, factory, words)
    table.insert(mock.calls, { "session_open", channel, proto, factory, words })
    if factory.limit - factory.used < GATE_COST then
        return nil, "no session (out of memory or quota, error -12)", -Err.ENOMEM
    end
    if channel.kind ~= "gate" then
        return nil, "no session (wrong protocol, error -39)", -Err.EBADPROTO
    end
    if proto ~= (channel.protocol or Proto.Echo) then
        return nil, "no session (not supported, error -38)", -Err.ENOSYS
    end
    if words[1] and words[1] > 100 then
        return nil, "no session (out of range, error -34)", -Err.ERANGE
    end
    factory.used = factory.used + GATE_COST
    channel.open = (channel.open or 0) + 1
    return new_handle("session", 3, { channel = channel, proto = proto, words = words }),
           new_handle("gate", abi.Right.ALL, { factory = factory, channel = channel })
end

-- RELEASE: a gate made through f or a descendant, once; the session at its server ends.
function mock.factory_release(f, gate)
    table.insert(mock.calls, { "factory_release", f, gate })
    if gate.kind ~= "gate" or gate.given_back or not gate.factory then
        return nil, "the factory refused to release it (invalid capability, error -1010)",
               -Err.EINVALCAP
    end
    local above = gate.factory
    while above and above ~= f do above = above.parent end
    if not above then
        return nil, "the factory refused to release it (no permission, error -1)", -Err.EPERM
    end
    gate.given_back = true
    gate.factory.used = gate.factory.used - GATE_COST
    gate.channel.open = gate.channel.open - 1
    return true
end

function mock.gate_bound(gate)
    table.insert(mock.calls, { "gate_bound", gate })
    return gate.bound
end

function mock.session_info(channel)
    if channel.kind ~= "gate" then return nil, "no session counts (wrong protocol, error -39)" end
    return channel.open or 0, 1 + (channel.open or 0), 100
end

-- DESTROY as moe does it: only a descendant, once; its quota goes back to its parent.
function mock.factory_destroy(f, child)
    table.insert(mock.calls, { "destroy", f, child })
    if child.kind ~= "factory" or child.destroyed or child.released then
        return nil, "invalid capability", -Err.EINVALCAP
    end
    local above = child.parent
    while above and above ~= f do above = above.parent end
    if not above then return nil, "no permission", -Err.EPERM end
    child.destroyed = true
    child.parent.used = child.parent.used - child.limit
    return true
end

function mock.release(h)
    table.insert(mock.calls, { "release", h })
    h.released = true
end

-- IOMEM and ICU views: inside the object's [first, last], like moe's.
function mock.view(object, start, length, factory)
    table.insert(mock.calls, { "view", object, start, length, factory })
    if object.kind ~= "iomem" and object.kind ~= "icu" then
        return nil, "neither device memory (IOMEM) nor interrupt lines (ICU) (EBADPROTO, error -39)", -39
    end
    if length == 0 or start < object.first or start + length - 1 > object.last then
        return nil, "refused (ERANGE, error -34)", -34
    end
    return new_handle(object.kind, 3, { first = start, last = start + length - 1 })
end

function mock.dataspace_info(ds)
    if ds.kind ~= "dataspace" then return nil, "not a dataspace (EBADPROTO, error -39)", -39 end
    return ds.size or 4096, ds.flags or 0, ds.phys
end

function mock.query(ns, name)
    if name == "missing" then return nil end
    return new_handle("dataspace", 5, { name = name })
end

function mock.start(spec)
    if spec.program == "rom/absent" then
        return nil, "rom/absent: no such program in rom"
    end
    next_id = next_id + 1
    mock.started[next_id] = spec
    table.insert(mock.started, spec)
    -- A restart reuses the spec table: what it held at each start is kept here.
    table.insert(mock.factories, spec.factory)
    return next_id
end

-- Exits are queued by the test: {id, status} or {id, "crashed", what ended it}.
-- on_wait (set by a test) runs at each wait: what changes while ned waits.
function mock.wait_exit(timeout_ms)
    if mock.on_wait then mock.on_wait() end
    local e = table.remove(mock.exits, 1)
    if not e then
        if timeout_ms == nil then error("mock: would block for ever") end
        return nil
    end
    return e[1], e[2], e[3]
end

function mock.kill(id) table.insert(mock.exits, { id, "killed" }) end
function mock.log(text) table.insert(mock.logs, text) end
function mock.sleep_ms(ms) mock.slept = (mock.slept or 0) + ms end

return mock
