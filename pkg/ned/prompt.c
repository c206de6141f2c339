/* SPDX-License-Identifier: MIT */
/*
 * ned's interactive prompt (ned --interactive, docs/ned.md "The prompt"): after the boot
 * script, ned reads Lua from its console line by line and runs it in its own state, so a
 * person can start, run, list and kill programs (lua/prompt.lua adds start, run, ps,
 * kill, help). Lines come in the console's cooked mode (the runtime's line discipline
 * echoes and edits them: no readline, ned stays MIT). While no line is waiting ned keeps
 * serving its children's exits and restarts, between waits for the console of
 * PROMPT_POLL_MS. As in lua.c, an expression prints its values, '=' in front of one does
 * too, and an unfinished chunk asks for more with ">> ". Ctrl-C drops the line being
 * typed (SIGINT is ignored while the prompt is open). End of input (Ctrl-D on an empty
 * line) leaves the prompt; ned goes on serving.
 *
 * ned's console is lent: programs started at the prompt get it as their log, and while
 * one runs in the foreground (run) ned reads nothing from it. Such a program's first
 * read BINDs its own notification to the console in place of ned's and may change the
 * console's attributes (raw mode, no echo), so when it has ended prompt.lua calls
 * take_back (console_take_back) before ned reads again.
 *
 * Invariants: the Lua stack is as it was after each line, whatever the line did;
 * prompt_attributes are the console's attributes as the prompt opened with them.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <termios.h>
#include <unistd.h>
#include <lauxlib.h>
#include <lua.h>
#include <pecan/log.h>
#include "ned.h"

#define PROMPT "ned> "
#define PROMPT_MORE ">> "
#define PROMPT_POLL_MS 20
#define LINE_MAX 1024

static struct termios prompt_attributes;
static bool have_prompt_attributes;

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
 * as the next line. The line is taken in one read (cooked mode gives at most a line, or
 * what Ctrl-D ended), so ned takes what the console holds as few times as it can: keys
 * typed once ned has taken a run line stay in the console for the program it starts. */
static enum line_result read_line(lua_State *L, const char *prompt, char *line, size_t size)
{
    fputs(prompt, stdout);
    fflush(stdout);
    while (!console_has_input(PROMPT_POLL_MS))
        ned_serve_children(L, 0);
    ssize_t length = read(0, line, size - 1);
    if (length < 0 && errno == EINTR) {
        fputs("\n", stdout);
        return LINE_INTERRUPTED;
    }
    if (length <= 0)
        return LINE_END;
    if (line[length - 1] == '\n')
        length--;
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

/* console.take_back(): ned's console is ned's again after a program ran in the foreground
 * on it. The runtime BINDs a thread's park notification to the console once and then
 * trusts it, but the program's first read replaced it with its own (and at moe moved the
 * console to the top of the input focus, where it stays); so the runtime binds again at
 * ned's next wait, or its waits for a line would only end by their timeout. The attributes go back to
 * the prompt's, which a program that ended in raw mode (a crash, a kill) would have left
 * for the next one. A console without input refuses both: nothing to take back. */
static int console_take_back(lua_State *L)
{
    (void)L;
    if (have_prompt_attributes)
        tcsetattr(0, TCSANOW, &prompt_attributes);
    pecan_console_take_back();
    return 0;
}

/* The table prompt.lua gets as its argument: what only C can do with ned's console. */
static void push_console(lua_State *L)
{
    lua_newtable(L);
    lua_pushcfunction(L, console_take_back);
    lua_setfield(L, -2, "take_back");
}

static bool load_commands(lua_State *L)
{
    int status = luaL_loadbuffer(L, ned_prompt_lua, ned_prompt_lua_size, "@prompt.lua");
    if (status == 0) {
        push_console(L);
        status = lua_pcall(L, 1, 0, 0);
    }
    if (status != 0) {
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
    have_prompt_attributes = tcgetattr(0, &prompt_attributes) == 0;
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
