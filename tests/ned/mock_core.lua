-- SPDX-License-Identifier: MIT
--
-- A stand-in for ned's C core (L4.core) on the host: it records what the library asks
-- for, so tests/ned/test_l4_library.lua can check the calls and their arguments. Handles
-- are small tables {id, rights}; a factory has a quota. It fails the way the real core
-- does (nil plus a message). Numbers come from L4.abi, as the library's do.
local abi = require("L4.abi")
local Proto, Err = abi.Proto, abi.Err
local mock = { NAME_SIZE = 16, calls = {}, started = {}, exits = {}, logs = {},
               factories = {} }

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

-- A channel's server answers its session counts once the test has set them (h.sessions).
function mock.session_info(h)
    if not h.sessions then return nil, "no server answers (ENOSYS, error -38)", -38 end
    return h.sessions.open, h.sessions.objects, h.sessions.free_slots
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
function mock.wait_exit(timeout_ms)
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
