-- ned's interactive prompt (ned --interactive, docs/ned.md "The prompt"): the commands it
-- adds to ned's own Lua state, as globals, for a person at the console. They are thin
-- layers over L4.lua: everything else of the boot script's world (L4, the channels and
-- applications the script kept in globals) is there as well.
local L4 = require("L4")

-- The lines typed use L4 as a global, the module: a script keeps it in a local, and the
-- global L4 that core.c's luaL_register leaves holds only L4.core.
_G.L4 = L4

local colours = { "green", "yellow", "blue", "magenta", "cyan" }
local started = 0

-- start("rom/prog.elf args" [, options]): starts a program with the default loader, its
-- log tagged with the program's name unless options say otherwise. Returns the app (the
-- prompt shows it as "app <n> <program> (running)").
function start(command, opts)
    if type(command) ~= "string" then error("start: the command must be a string", 2) end
    opts = opts or {}
    if type(opts) ~= "table" then error("start: options must be a table", 2) end
    if opts.log == nil then
        local name = command:match("([^/%s]+)%.elf") or command:match("^(%S+)") or "prog"
        started = started + 1
        opts.log = { name:sub(1, 16), colours[(started - 1) % #colours + 1] }
    end
    return L4.default_loader:start(opts, command)
end

-- ps(): one line per program ned runs: its number, state and name.
function ps()
    local list = L4.apps()
    for _, app in ipairs(list) do
        print(string.format("%4d  %-8s %s", app.id, app:state(), app.name))
    end
    print(#list .. " running")
end

local function find(which)
    if type(which) == "table" and which.id then return which end
    local id = tonumber(which)
    if not id then return nil end
    for _, app in ipairs(L4.apps()) do
        if app.id == id then return app end
    end
end

-- kill(n or app): ends a program (its number as ps() shows it).
function kill(which)
    local app = find(which)
    if not app then error("kill: no running program " .. tostring(which) .. " (see ps())", 2) end
    app:kill()
    print(string.format("killed %d %s", app.id, app.name))
end

function help()
    print([[ned's prompt runs Lua in ned's own state (L4 is loaded):
  start("rom/hello.elf args" [, options])  start a program (options as loader:start's)
  ps()                                     list the programs ned runs
  kill(n)                                  end program n (or an app start returned)
  =expression                              print a value (an expression alone works too)
  Ctrl-D on an empty line                  leave the prompt; ned keeps serving]])
end
