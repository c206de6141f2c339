-- ned's interactive prompt (ned --interactive, docs/ned.md "The prompt"): the commands it
-- adds to ned's own Lua state, as globals, for a person at the console. They are thin
-- layers over L4.lua: everything else of the boot script's world (L4, the channels and
-- applications the script kept in globals) is there as well. Programs started here get
-- ned's own console as their log unless told otherwise (a boot script's programs keep
-- L4.lua's default, a log of their own at moe).
local L4 = require("L4")

-- The lines typed use L4 as a global, the module: a script keeps it in a local, and the
-- global L4 that core.c's luaL_register leaves holds only L4.core.
_G.L4 = L4

-- What only C can do with ned's console (prompt.c): take_back() after a foreground program.
local console = ...

-- A mistake L4.lua finds in a command is the typed line's, not this file's.
L4.library_source(debug.getinfo(1, "S").source)

-- The options a program started at the prompt gets: the caller's (never changed), with
-- ned's own console as its log unless they give one. So what it prints shows where the
-- prompt is (the serial line, or the terminal window ned runs in), and it reads from
-- there too. caller names the command in messages.
local function console_options(caller, command, opts)
    if type(command) ~= "string" then
        error(caller .. ": the command must be a string, like \"rom/hello.elf hi\", not a " ..
              type(command), 3)
    end
    if not command:find("%S") then error(caller .. ": the command is empty", 3) end
    if opts == nil then opts = {} end
    if type(opts) ~= "table" then error(caller .. ": options must be a table", 3) end
    local own = {}
    for name, value in pairs(opts) do own[name] = value end
    if own.log == nil then own.log = L4.Env.log end
    return own
end

-- start("rom/prog.elf args" [, options]): starts a program with the default loader in
-- the background: it prints on ned's console unless options give a log, and ned goes on
-- reading the prompt's lines. Returns the app (the prompt shows it as
-- "app <n> <program> (running)").
function start(command, opts)
    return L4.default_loader:start(console_options("start", command, opts), command)
end

-- How a program ended, for the line run prints.
local function ending(app, status)
    if status == "crashed" then return app.name .. " crashed: " .. tostring(app.fault) end
    if status == "killed" then return app.name .. " was killed" end
    return app.name .. " exited with " .. tostring(status)
end

-- run("rom/prog.elf args" [, options]): runs a program in the foreground, as a shell
-- does: it gets ned's console (unless options give a log) and ned reads nothing from it
-- until the program has ended, so the keys typed meanwhile, Ctrl-C too, are the
-- program's. ned serves its other programs meanwhile. Then prints how it ended and the
-- prompt comes back. It is an application like start's (ps() lists it, kill() ends it).
function run(command, opts)
    local app = L4.default_loader:start(console_options("run", command, opts), command)
    local ok, status = pcall(app.wait, app)
    console.take_back()
    if not ok then error(status, 0) end
    print(ending(app, status))
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
  start("rom/hello.elf args" [, options])  start a program in the background: it prints
                                           here; ned keeps the keys (options: loader:start's)
  run("rom/lua-plain.elf" [, options])     run a program in the foreground: it has this
                                           console (keys, Ctrl-C) until it ends
  ps()                                     list the programs ned runs
  kill(n)                                  end program n (or an app start returned)
  =expression                              print a value (an expression alone works too)
  Ctrl-D on an empty line                  leave the prompt; ned keeps serving]])
end
