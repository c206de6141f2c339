/* SPDX-License-Identifier: MIT */
/*
 * ned's interactive prompt (ned --interactive, docs/ned.md "The prompt"): after the boot
 * script, ned reads Lua from its console line by line and runs it in its own state, so a
 * person can start, list and kill programs (lua/prompt.lua adds start, ps, kill, help).
 * Lines come in the console's cooked mode (the runtime's line discipline echoes and
 * edits them: no readline, ned stays MIT). While no line is waiting ned keeps serving its
 * children's exits and restarts, between waits for the console of PROMPT_POLL_MS. As in lua.c, an expression prints its values, '=' in front of one does
 * too, and an unfinished chunk asks for more with ">> ". Ctrl-C drops the line being
 * typed (SIGINT is ignored while the prompt is open). End of input (Ctrl-D on an empty
 * line) leaves the prompt; ned goes on serving.
 *
 * Invariant: the Lua stack is as it was after each line, whatever the line did.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>
#include <lauxlib.h>
#include <lua.h>
#include "ned.h"

#define PROMPT "ned> "
#define PROMPT_MORE ">> "
#define PROMPT_POLL_MS 20
#define LINE_MAX 1024

/* Waits at most wait_ms for input. A wait (not a mere look) is what binds the console to
 * ned, and moe gives the serial line's input to the console that bound last. */
static bool console_has_input(int wait_ms)
{
    fd_set read_set;
    FD_ZERO(&read_set);
    FD_SET(0, &read_set);
    struct timeval wait = { 0, wait_ms * 1000 };
    return select(1, &read_set, NULL, NULL, &wait) > 0;
}

enum line_result { LINE_READ, LINE_END, LINE_INTERRUPTED };

/* One line from the console into line (without its newline), serving the children until
 * bytes are there. LINE_END at end of input or on an error; LINE_INTERRUPTED when Ctrl-C
 * was typed (the console's ISIG raised SIGINT, which ned ignores, and the read failed
 * with EINTR): the line is dropped. A line longer than the buffer is cut: the rest comes
 * as the next line. */
static enum line_result read_line(lua_State *L, const char *prompt, char *line, size_t size)
{
    fputs(prompt, stdout);
    fflush(stdout);
    while (!console_has_input(PROMPT_POLL_MS))
        ned_serve_children(L, 0);
    size_t length = 0;
    while (length + 1 < size) {
        ssize_t n = read(0, line + length, 1);
        if (n < 0 && errno == EINTR) {
            fputs("\n", stdout);
            return LINE_INTERRUPTED;
        }
        if (n <= 0) {
            if (length == 0)
                return LINE_END;
            break;
        }
        if (line[length] == '\n')
            break;
        length++;
    }
    line[length] = 0;
    return LINE_READ;
}

/* Lua 5.1's sign of an unfinished chunk: the error is at the end of the input. */
static bool incomplete(lua_State *L, int status)
{
    if (status != LUA_ERRSYNTAX)
        return false;
    size_t length;
    const char *message = lua_tolstring(L, -1, &length);
    static const char eof_mark[] = "'<eof>'";
    size_t mark = sizeof(eof_mark) - 1;
    return length >= mark && strcmp(message + length - mark, eof_mark) == 0;
}

/* Compiles the chunk the person typed, reading more lines while it is unfinished: the
 * function on the stack and 0, or a Lua error code with the message on the stack, or
 * CHUNK_END at end of input, CHUNK_DROPPED after Ctrl-C (nothing on the stack for
 * either). "=expr" and a lone expression compile as "return expr". */
#define CHUNK_END (-1)
#define CHUNK_DROPPED (-2)
static int load_chunk(lua_State *L, char *line, size_t size)
{
    const char *text = line[0] == '=' ? line + 1 : line;
    lua_pushfstring(L, "return %s", text);
    if (luaL_loadbuffer(L, lua_tostring(L, -1), lua_objlen(L, -1), "=prompt") == 0) {
        lua_remove(L, -2);
        return 0;
    }
    lua_pop(L, 2);
    lua_pushstring(L, line);
    for (;;) {
        int status = luaL_loadbuffer(L, lua_tostring(L, -1), lua_objlen(L, -1), "=prompt");
        if (!incomplete(L, status)) {
            lua_remove(L, -2);
            return status;
        }
        lua_pop(L, 1);
        enum line_result more = read_line(L, PROMPT_MORE, line, size);
        if (more != LINE_READ) {
            lua_pop(L, 1);
            return more == LINE_END ? CHUNK_END : CHUNK_DROPPED;
        }
        lua_pushliteral(L, "\n");
        lua_pushstring(L, line);
        lua_concat(L, 3);
    }
}

static int message_handler(lua_State *L)
{
    if (!lua_isstring(L, 1))
        lua_pushliteral(L, "(an error that is not a string)");
    return 1;
}

/* Runs the function on the stack and prints what it returns through Lua's print. */
static void run_chunk(lua_State *L)
{
    int base = lua_gettop(L);
    lua_pushcfunction(L, message_handler);
    lua_insert(L, base);
    if (lua_pcall(L, 0, LUA_MULTRET, base) != 0) {
        fprintf(stderr, "%s\n", lua_tostring(L, -1));
        lua_settop(L, base - 1);
        return;
    }
    int results = lua_gettop(L) - base;
    if (results > 0) {
        lua_getglobal(L, "print");
        lua_insert(L, base + 1);
        if (lua_pcall(L, results, 0, 0) != 0)
            fprintf(stderr, "%s\n", lua_tostring(L, -1));
    }
    lua_settop(L, base - 1);
}

static bool load_commands(lua_State *L)
{
    if (luaL_loadbuffer(L, ned_prompt_lua, ned_prompt_lua_size, "@prompt.lua") != 0 ||
        lua_pcall(L, 0, 0, 0) != 0) {
        fprintf(stderr, "ned: prompt: %s\n", lua_tostring(L, -1));
        lua_pop(L, 1);
        return false;
    }
    return true;
}

void ned_prompt(lua_State *L)
{
    if (!load_commands(L))
        return;
    printf("ned: interactive prompt: Lua in ned's state; help() lists the commands\n");
    /* Ctrl-C drops the line being typed; it must not end ned (and with it the system). */
    signal(SIGINT, SIG_IGN);
    char line[LINE_MAX];
    for (;;) {
        enum line_result got = read_line(L, PROMPT, line, sizeof(line));
        if (got == LINE_END)
            break;
        if (got == LINE_INTERRUPTED || line[0] == 0)
            continue;
        int status = load_chunk(L, line, sizeof(line));
        if (status == CHUNK_END)
            break;
        if (status == CHUNK_DROPPED)
            continue;
        if (status != 0) {
            fprintf(stderr, "%s\n", lua_tostring(L, -1));
            lua_pop(L, 1);
            continue;
        }
        run_chunk(L);
    }
    signal(SIGINT, SIG_DFL);
    printf("\nned: prompt closed (end of input); ned keeps serving its programs\n");
}
