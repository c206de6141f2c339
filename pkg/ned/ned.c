/* SPDX-License-Identifier: MIT */
/*
 * ned: runs a Lua boot script (docs/ned.md). Command line:
 *     ned [--interactive] [--wait-and-exit | --exit-with=<program>] [--args=<file>]
 *         [<script> [args...]]
 * The script (a path such as rom/hello.lua) runs with Lua's string, table and math
 * libraries, print going to ned's log, and `require "L4"` (lua/L4.lua over core.c). An
 * error in the script is reported with its file and line; ned stays up either way and
 * then keeps serving its children (their exits, restarts) for as long as any runs. With
 * --wait-and-exit it exits once none is left (status 0, or 1 if the script failed); with
 * --exit-with=<program> it exits with that program's status once it has exited (and the
 * script is done), the way test scenarios end while servers still run. --args=<file> fills
 * the table L4.Args from the file's "key=value" lines before the script runs (./pecan run
 * --set key=value packs such a file as rom/args). --interactive (or -i, as in L4Re's ned)
 * opens a Lua prompt on ned's console once the script has run (prompt.c); the exit
 * options apply when the prompt is closed (end of input). Only with --interactive may the
 * script be left out: the prompt alone, as the ned that conf/desktop.lua starts on a
 * terminal runs.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <pecan/errors.h>
#include "ned.h"

const char *ned_error_name(int err)
{
    switch (-err) {
    case PECAN_EPERM: return "no permission";
    case PECAN_ENOENT: return "not found";
    case PECAN_ENOMEM: return "out of memory or quota";
    case PECAN_EEXIST: return "exists";
    case PECAN_EINVAL: return "invalid argument";
    case PECAN_ERANGE: return "out of range";
    case PECAN_ENOSYS: return "not supported";
    case PECAN_EBADPROTO: return "wrong protocol";
    case PECAN_EINVALCAP: return "invalid capability";
    case PECAN_EACCES: return "access denied";
    default: return "error";
    }
}

static int load_module(lua_State *L, const char *text, unsigned size, const char *name)
{
    if (luaL_loadbuffer(L, text, size, name) != 0)
        return lua_error(L);
    lua_call(L, 0, 1);
    return 1;
}

static int load_l4(lua_State *L)
{
    return load_module(L, ned_l4_lua, ned_l4_lua_size, "@L4.lua");
}

static int load_l4_abi(lua_State *L)
{
    return load_module(L, ned_l4_abi_lua, ned_l4_abi_lua_size, "@L4/abi.lua");
}

static void open_libraries(lua_State *L)
{
    static const luaL_Reg libraries[] = {
        { "", luaopen_base }, { LUA_LOADLIBNAME, luaopen_package },
        { LUA_TABLIBNAME, luaopen_table }, { LUA_STRLIBNAME, luaopen_string },
        { LUA_MATHLIBNAME, luaopen_math }, { LUA_OSLIBNAME, luaopen_os },
        { LUA_DBLIBNAME, luaopen_debug }, { 0, 0 },
    };
    for (const luaL_Reg *lib = libraries; lib->func; lib++) {
        lua_pushcfunction(L, lib->func);
        lua_pushstring(L, lib->name);
        lua_call(L, 1, 0);
    }
    /* require "L4.core", "L4.abi" and "L4" are always there; other modules come from
     * rom (conf/lib's are in every scenario's). */
    lua_getglobal(L, "package");
    lua_pushliteral(L, "rom/?.lua");
    lua_setfield(L, -2, "path");
    lua_getfield(L, -1, "preload");
    lua_pushcfunction(L, ned_core_open);
    lua_setfield(L, -2, "L4.core");
    lua_pushcfunction(L, load_l4_abi);
    lua_setfield(L, -2, "L4.abi");
    lua_pushcfunction(L, load_l4);
    lua_setfield(L, -2, "L4");
    lua_pop(L, 2);
}

static int traceback(lua_State *L)
{
    const char *message = lua_tostring(L, 1);
    if (!message)
        message = "(an error that is not a string)";
    luaL_gsub(L, message, "\n", " ");
    return 1;
}

/* The script's arguments in the global `arg`, as the lua interpreter does. */
static void set_arguments(lua_State *L, int argc, char **argv, int script)
{
    lua_createtable(L, argc - script, 1);
    for (int i = script; i < argc; i++) {
        lua_pushstring(L, argv[i]);
        lua_rawseti(L, -2, i - script);
    }
    lua_setglobal(L, "arg");
}

static bool run_script(lua_State *L, const char *script)
{
    lua_pushcfunction(L, traceback);
    if (luaL_loadfile(L, script) != 0) {
        fprintf(stderr, "ned: %s\n", lua_tostring(L, -1));
        lua_pop(L, 2);
        return false;
    }
    if (lua_pcall(L, 0, 0, -2) != 0) {
        fprintf(stderr, "ned: %s\n", lua_tostring(L, -1));
        lua_pop(L, 2);
        return false;
    }
    lua_pop(L, 1);
    return true;
}

struct ned_options {
    bool interactive;           /* --interactive, -i */
    bool exit_when_idle;        /* --wait-and-exit */
    const char *exit_with;      /* --exit-with=<program>, or NULL */
    const char *args_file;      /* --args=<file>, or NULL */
};

/* Pushes require("L4"). */
static void push_l4(lua_State *L)
{
    lua_getglobal(L, "require");
    lua_pushstring(L, "L4");
    lua_call(L, 1, 1);
}

static int running_apps(lua_State *L)
{
    push_l4(L);
    lua_getfield(L, -1, "running_apps");
    lua_call(L, 0, 1);
    int running = (int)lua_tointeger(L, -1);
    lua_pop(L, 2);
    return running;
}

/* The exit status of program if it has exited: a number, or 1 for killed/crashed. */
static bool exit_status_of(lua_State *L, const char *program, int *status)
{
    push_l4(L);
    lua_getfield(L, -1, "exit_statuses");
    lua_getfield(L, -1, program);
    bool exited = !lua_isnil(L, -1);
    *status = lua_isnumber(L, -1) ? (int)lua_tointeger(L, -1) : 1;
    lua_pop(L, 3);
    return exited;
}

/* timeout_ms < 0: wait for the next exit however long it takes. */
static void process_events(lua_State *L, int timeout_ms)
{
    push_l4(L);
    lua_getfield(L, -1, "process_events");
    if (timeout_ms < 0)
        lua_pushnil(L);
    else
        lua_pushinteger(L, timeout_ms);
    if (lua_pcall(L, 1, 0, 0) != 0) {
        fprintf(stderr, "ned: %s\n", lua_tostring(L, -1));
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

/* The whole of a file as a Lua string on the stack; false if it cannot be read. */
static bool push_file(lua_State *L, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    size_t n;
    do {
        char *space = luaL_prepbuffer(&b);
        n = fread(space, 1, LUAL_BUFFERSIZE, f);
        luaL_addsize(&b, n);
    } while (n == LUAL_BUFFERSIZE);
    bool ok = !ferror(f);
    fclose(f);
    luaL_pushresult(&b);
    return ok;
}

/* Sets args[key] = value for one "key=value" line (text, len bytes, no newline). */
static bool set_arg(lua_State *L, const char *text, size_t len)
{
    const char *equals = memchr(text, '=', len);
    if (!equals || equals == text)
        return false;
    lua_pushlstring(L, text, (size_t)(equals - text));
    lua_pushlstring(L, equals + 1, len - (size_t)(equals - text) - 1);
    lua_settable(L, -3);
    return true;
}

/* --args=<file>: L4.Args gets a string for each "key=value" line of the file (values stay
 * strings, as on the command line they came from). */
static bool load_args(lua_State *L, const char *path)
{
    if (!push_file(L, path)) {
        fprintf(stderr, "ned: %s: cannot read the arguments\n", path);
        return false;
    }
    size_t size;
    const char *text = lua_tolstring(L, -1, &size);
    push_l4(L);
    lua_getfield(L, -1, "Args");
    bool ok = true;
    for (size_t start = 0, line = 1; start < size; line++) {
        const char *end = memchr(text + start, '\n', size - start);
        size_t len = end ? (size_t)(end - (text + start)) : size - start;
        if (len > 0 && !set_arg(L, text + start, len)) {
            fprintf(stderr, "ned: %s:%u: not a key=value line\n", path, (unsigned)line);
            ok = false;
        }
        start += len + 1;
    }
    lua_pop(L, 3);
    return ok;
}

/* Serves the children (their exits, handlers, restarts) for as long as options allow. */
static void serve(lua_State *L, const struct ned_options *options, int status)
    __attribute__((noreturn));
static void serve(lua_State *L, const struct ned_options *options, int status)
{
    for (;;) {
        int program_status;
        if (options->exit_with && exit_status_of(L, options->exit_with, &program_status)) {
            printf("ned: %s exited with status %d: done\n", options->exit_with,
                   program_status);
            exit(program_status);
        }
        if (options->exit_when_idle && running_apps(L) == 0) {
            printf("ned: all programs have exited\n");
            exit(status);
        }
        process_events(L, -1);
    }
}

void ned_serve_children(lua_State *L, int timeout_ms)
{
    process_events(L, timeout_ms);
}

int main(int argc, char **argv)
{
    struct ned_options options = { false, false, 0, 0 };
    int script = 1;
    for (; script < argc && argv[script][0] == '-'; script++) {
        if (strcmp(argv[script], "--interactive") == 0 || strcmp(argv[script], "-i") == 0) {
            options.interactive = true;
        } else if (strcmp(argv[script], "--wait-and-exit") == 0) {
            options.exit_when_idle = true;
        } else if (strncmp(argv[script], "--exit-with=", 12) == 0) {
            options.exit_with = argv[script] + 12;
        } else if (strncmp(argv[script], "--args=", 7) == 0) {
            options.args_file = argv[script] + 7;
        } else {
            fprintf(stderr, "ned: unknown option %s\n", argv[script]);
            return 2;
        }
    }
    bool has_script = script < argc;
    if (!has_script && !options.interactive) {
        fprintf(stderr, "ned: usage: ned [--interactive] [--wait-and-exit | "
                        "--exit-with=<program>] [--args=<file>] [<script> [args...]] "
                        "(only --interactive may go without a script)\n");
        return 2;
    }
    int err = ned_core_init();
    if (err) {
        fprintf(stderr, "ned: cannot set up its children (error %d)\n", err);
        return 2;
    }
    lua_State *L = luaL_newstate();
    if (!L) {
        fprintf(stderr, "ned: out of memory\n");
        return 2;
    }
    open_libraries(L);
    set_arguments(L, argc, argv, script);
    /* Bad arguments fail the run like a failed script, without running it on guesses. */
    bool ok = !options.args_file || load_args(L, options.args_file);
    if (ok && has_script) {
        printf("ned: running %s\n", argv[script]);
        ok = run_script(L, argv[script]);
    }
    if (options.interactive)
        ned_prompt(L);
    serve(L, &options, ok ? 0 : 1);
}
