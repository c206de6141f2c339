/* SPDX-License-Identifier: MIT */
/*
 * L4.core: the C half of ned's Lua library (lua/L4.lua holds the other half). It owns
 * the capability values scripts handle (userdata of type "L4.cap": a slot of ned's
 * space and the rights it carries, released when Lua collects it) and the children ned
 * started (through the children library, pecan/children.h). Every function fails like the mock
 * in tests/ned/mock_core.lua: nil and a message, never a Lua error, so L4.lua decides how
 * to report it. Sessions at framework servers are opened here the framework's way
 * (pecan/session.h); which factory pays, and when they close, is L4.lua's choice.
 */
#include <stdio.h>
#include <string.h>
#include <lauxlib.h>
#include <lua.h>
#include <pecan/dataspace.h>
#include <pecan/factory.h>
#include <pecan/icu.h>
#include <pecan/iomem.h>
#include <pecan/children.h>
#include <pecan/namespace.h>
#include <pecan/protocol/dataspace.h>
#include <pecan/runtime.h>
#include <pecan/session.h>
#include "ned.h"

#define CAP_TYPE "L4.cap"
#define DEPTH 32

struct lua_cap {
    pecan_cap_t slot;
    unsigned rights;
    bool owned;        /* ned made this slot: delete it when Lua is done with it */
};

static struct children children;

/* ---- capability values ----------------------------------------------------------------- */

static struct lua_cap *push_cap(lua_State *L, pecan_cap_t slot, unsigned rights, bool owned)
{
    struct lua_cap *c = lua_newuserdata(L, sizeof(*c));
    c->slot = slot;
    c->rights = rights;
    c->owned = owned;
    luaL_getmetatable(L, CAP_TYPE);
    lua_setmetatable(L, -2);
    return c;
}

static struct lua_cap *check_cap(lua_State *L, int index)
{
    return luaL_checkudata(L, index, CAP_TYPE);
}

static int cap_gc(lua_State *L)
{
    struct lua_cap *c = check_cap(L, 1);
    if (c->owned && c->slot)
        pecan_cap_release(c->slot);
    c->slot = 0;
    return 0;
}

static unsigned rights_of(pecan_cap_t slot)
{
    struct pecan_cap_identity id;
    if (pecan_cnode_identify(PECAN_ENV_CNODE, slot, DEPTH, &id) != 0)
        return 0;
    return id.rights;
}

static bool is_gate(pecan_cap_t slot)
{
    struct pecan_cap_identity id;
    return pecan_cnode_identify(PECAN_ENV_CNODE, slot, DEPTH, &id) == 0 &&
           id.type == PECAN_OBJ_GATE;       /* IDENTIFY numbers kernel objects as retype does */
}

static int fail(lua_State *L, const char *what, int err)
{
    lua_pushnil(L);
    lua_pushfstring(L, "%s (%s, error %d)", what, ned_error_name(err), err);
    lua_pushinteger(L, err);
    return 3;
}

static int new_slot(lua_State *L, pecan_cap_t *slot)
{
    if (pecan_cap_alloc(slot) != 0)
        return luaL_error(L, "ned: out of capability slots");
    return 0;
}

/* A fresh capability made in slot by a call that returned err. */
static int push_made(lua_State *L, pecan_cap_t slot, int err, const char *what)
{
    if (err) {
        pecan_cap_free(slot);
        return fail(L, what, err);
    }
    push_cap(L, slot, rights_of(slot), true);
    return 1;
}

/* core.env() -> { name = { handle = cap, is_gate = bool } }: the well-known capabilities
 * of ned and the named ones its loader gave it. */
static void env_entry(lua_State *L, const char *name, pecan_cap_t slot)
{
    lua_newtable(L);
    push_cap(L, slot, rights_of(slot), false);
    lua_setfield(L, -2, "handle");
    lua_pushboolean(L, is_gate(slot));
    lua_setfield(L, -2, "is_gate");
    lua_setfield(L, -2, name);
}

static int core_env(lua_State *L)
{
    lua_newtable(L);
    env_entry(L, "log", PECAN_ENV_LOG);
    env_entry(L, "factory", PECAN_ENV_FACTORY);
    env_entry(L, "scheduler", PECAN_ENV_SCHEDULER);
    env_entry(L, "parent", PECAN_ENV_PARENT);
    env_entry(L, "rm", PECAN_ENV_RM);
    const struct pecan_env *env = pecan_env();
    for (unsigned i = 0; i < env->cap_count; i++) {
        char name[PECAN_ENV_NAME_SIZE + 1];
        memcpy(name, env->caps[i].name, PECAN_ENV_NAME_SIZE);
        name[PECAN_ENV_NAME_SIZE] = 0;
        env_entry(L, name, env->caps[i].cap);
    }
    return 1;
}

static int core_rights(lua_State *L)
{
    lua_pushinteger(L, check_cap(L, 1)->rights);
    return 1;
}

static int core_is_valid(lua_State *L)
{
    struct lua_cap *c = check_cap(L, 1);
    lua_pushboolean(L, c->slot != 0 && rights_of(c->slot) != 0);
    return 1;
}

/* core.factory_create(factory, proto, ...) */
static int core_factory_create(lua_State *L)
{
    pecan_cap_t factory = check_cap(L, 1)->slot;
    int proto = (int)luaL_checkinteger(L, 2);
    pecan_cap_t slot;
    new_slot(L, &slot);
    int err;
    switch (proto) {
    case PECAN_PROTO_NONE:   /* L4.Proto.Ipc_gate: a plain gate, as in L4Re */
        err = pecan_factory_create_gate(factory, slot);
        break;
    case PECAN_PROTO_FACTORY:
        if (lua_isstring(L, 4))
            err = pecan_factory_create_named_factory(factory,
                                                     (pecan_word_t)luaL_checknumber(L, 3),
                                                     lua_tostring(L, 4), slot);
        else
            err = pecan_factory_create_factory(factory, (pecan_word_t)luaL_checknumber(L, 3),
                                               slot);
        break;
    case PECAN_PROTO_LOG:
        /* The tag is optional: a terminal's console sessions (pkg/term) take none. */
        err = pecan_factory_create_log(factory, (unsigned)luaL_optinteger(L, 4, 0),
                                       luaL_optstring(L, 3, ""), slot);
        break;
    case PECAN_PROTO_DATASPACE:
        err = pecan_factory_create_dataspace(factory, (pecan_word_t)luaL_checknumber(L, 3),
                                             (unsigned)luaL_optinteger(L, 4, 0),
                                             (unsigned)luaL_optinteger(L, 5, 0), slot, 0);
        break;
    case PECAN_PROTO_NAMESPACE:
        err = pecan_factory_create_namespace(factory, slot);
        break;
    case PECAN_PROTO_NOTIFICATION:
        err = pecan_factory_create_notification(factory, slot);
        break;
    default:
        pecan_cap_free(slot);
        return fail(L, "the factory makes no such object", -PECAN_ENOSYS);
    }
    return push_made(L, slot, err, "the factory refused");
}

/* core.factory_info(factory) -> quota, used, objects, moe's free RAM, moe's own use (the
 * last two nil when the factory's server does not say) */
static int core_factory_info(lua_State *L)
{
    struct pecan_factory_info info;
    int err = pecan_factory_info(check_cap(L, 1)->slot, &info);
    if (err)
        return fail(L, "factory info", err);
    lua_pushnumber(L, info.quota);
    lua_pushnumber(L, info.used);
    lua_pushnumber(L, info.objects);
    if (info.free_ram)
        lua_pushnumber(L, info.free_ram);
    else
        lua_pushnil(L);
    if (info.moe_own)
        lua_pushnumber(L, info.moe_own);
    else
        lua_pushnil(L);
    return 5;
}

/* core.factory_destroy(factory, descendant) -> true, or nil and a message: descendant (a
 * factory made through factory, or below it) ends with everything made through it, even
 * objects that keep each other alive, and its quota goes back to factory. */
static int core_factory_destroy(lua_State *L)
{
    int err = pecan_factory_destroy(check_cap(L, 1)->slot, check_cap(L, 2)->slot);
    if (err)
        return fail(L, "the factory refused to destroy it", err);
    lua_pushboolean(L, 1);
    return 1;
}

/* core.release(cap): ned's slot goes now rather than when Lua collects the value (a
 * child's log and factory are moe objects that live as long as a copy does). */
static int core_release(lua_State *L)
{
    struct lua_cap *c = check_cap(L, 1);
    if (c->owned)
        cap_gc(L);
    return 0;
}

/* core.query(namespace, name) -> cap or nil */
static int core_query(lua_State *L)
{
    pecan_cap_t ns = check_cap(L, 1)->slot;
    const char *name = luaL_checkstring(L, 2);
    pecan_cap_t slot;
    new_slot(L, &slot);
    int err = pecan_ns_query_path(ns, name, slot);
    if (err) {
        pecan_cap_free(slot);
        lua_pushnil(L);
        return 1;
    }
    push_cap(L, slot, rights_of(slot), true);
    return 1;
}

/* core.factory_release(factory, cap) -> true, or nil and a message: the gate or
 * notification cap (made through factory or a descendant) is destroyed and its quota
 * given back (a session's gate when the session ends). */
static int core_factory_release(lua_State *L)
{
    int err = pecan_factory_release(check_cap(L, 1)->slot, check_cap(L, 2)->slot);
    if (err)
        return fail(L, "the factory refused to release it", err);
    lua_pushboolean(L, 1);
    return 1;
}

/* ---- sessions at servers of the framework (pecan/session.h, docs/servers.md) ---------- */

/* The argument words of list (a Lua table of whole numbers 0 .. 2^32 - 1; L4.lua made them
 * from the script's numbers and strings) into words; their count, or -1 if one is not such
 * a number or there are more than max. */
static int argument_words(lua_State *L, int list, pecan_word_t *words, unsigned max)
{
    size_t count = lua_objlen(L, list);
    if (count > max)
        return -1;
    for (size_t i = 0; i < count; i++) {
        lua_rawgeti(L, list, (int)i + 1);
        lua_Number value = lua_tonumber(L, -1);
        bool whole = lua_type(L, -1) == LUA_TNUMBER && value >= 0 && value <= 0xFFFFFFFFu &&
                     value == (lua_Number)(pecan_word_t)value;
        lua_pop(L, 1);
        if (!whole)
            return -1;
        words[i] = (pecan_word_t)value;
    }
    return (int)count;
}

/* core.session_open(channel, protocol, factory, words, charged, timeout_ms) -> session,
 * gate (nil if the server paid: a channel copy without GRANT), or nil, a message and the
 * error: FACTORY CREATE of protocol at the server behind channel, the session's gate made
 * through factory; charged: the server gets factory too, to charge what it makes for the
 * session (pecan_session_open_charged); timeout_ms (0 or nil: none): how long the server
 * may take to answer, so a hung server cannot stop the script (PECAN_IPC_TIMEOUT). */
static int core_session_open(lua_State *L)
{
    pecan_cap_t channel = check_cap(L, 1)->slot;
    int protocol = (int)luaL_checkinteger(L, 2);
    pecan_cap_t factory = check_cap(L, 3)->slot;
    luaL_checktype(L, 4, LUA_TTABLE);
    pecan_word_t words[PECAN_SESSION_MAX_ARGS];
    int count = argument_words(L, 4, words, PECAN_SESSION_MAX_ARGS);
    if (count < 0)
        return fail(L, "bad argument words", -PECAN_EINVAL);
    lua_Integer timeout_ms = luaL_optinteger(L, 6, 0);
    if (timeout_ms < 0 || timeout_ms > 3600000)
        return fail(L, "a timeout of 0 to 3,600,000 ms", -PECAN_ERANGE);
    struct pecan_session session;
    int err = pecan_session_open_within(channel, protocol, factory, lua_toboolean(L, 5),
                                        words, (unsigned)count, (uint32_t)timeout_ms * 1000u,
                                        &session);
    if (err)
        return fail(L, "no session", err);
    push_cap(L, session.cap, rights_of(session.cap), true);
    if (session.gate)
        push_cap(L, session.gate, rights_of(session.gate), true);
    else
        lua_pushnil(L);
    return 2;
}

/* core.gate_bound(gate) -> true if a thread serves it, false if none does yet, nil if ned
 * cannot tell (not a gate, or a copy without the server right READ). */
static int core_gate_bound(lua_State *L)
{
    int bound = 0;
    if (pecan_gate_info(check_cap(L, 1)->slot, &bound, 0) != 0)
        lua_pushnil(L);
    else
        lua_pushboolean(L, bound);
    return 1;
}

/* core.session_info(channel) -> sessions open, objects registered, the server's free
 * capability slots (FACTORY INFO of a framework server's session factory), or nil and a
 * message. */
static int core_session_info(lua_State *L)
{
    struct pecan_session_info info;
    int err = pecan_session_info(check_cap(L, 1)->slot, &info);
    if (err)
        return fail(L, "no session counts", err);
    lua_pushnumber(L, info.open);
    lua_pushnumber(L, info.objects);
    lua_pushnumber(L, info.free_slots);
    return 3;
}

/* ---- drivers' resources (docs/drivers.md) ------------------------------------------------- */

/* core.view(object, start, length, factory) -> cap: a narrower IOMEM (device memory
 * [start, start + length)) or ICU (lines start .. start + length - 1), whichever protocol
 * the object speaks; its record is paid for by factory. */
static int core_view(lua_State *L)
{
    pecan_cap_t object = check_cap(L, 1)->slot;
    pecan_word_t start = (pecan_word_t)luaL_checknumber(L, 2);
    pecan_word_t length = (pecan_word_t)luaL_checknumber(L, 3);
    pecan_cap_t factory = check_cap(L, 4)->slot;
    pecan_cap_t slot;
    new_slot(L, &slot);
    int err = pecan_iomem_view(object, factory, start, length, slot);
    if (err == -PECAN_EBADPROTO)
        err = pecan_icu_view(object, factory, start, length, slot);
    if (err == -PECAN_EBADPROTO) {
        pecan_cap_free(slot);
        return fail(L, "neither device memory (IOMEM) nor interrupt lines (ICU)", err);
    }
    return push_made(L, slot, err, "refused");
}

/* core.dataspace_info(ds) -> size, flags, physical address (nil unless contiguous or
 * device memory) */
static int core_dataspace_info(lua_State *L)
{
    struct pecan_dataspace_info info;
    int err = pecan_dataspace_info(check_cap(L, 1)->slot, &info);
    if (err)
        return fail(L, "not a dataspace", err);
    lua_pushnumber(L, info.size);
    lua_pushnumber(L, info.flags);
    if (info.phys == ~(pecan_word_t)0)
        lua_pushnil(L);
    else
        lua_pushnumber(L, info.phys);
    return 3;
}

/* ---- children ---------------------------------------------------------------------------- */

static pecan_cap_t field_cap(lua_State *L, int table, const char *name)
{
    lua_getfield(L, table, name);
    pecan_cap_t slot = check_cap(L, -1)->slot;
    lua_pop(L, 1);
    return slot;
}

/* spec[name], a whole number, or 0 when absent. */
static unsigned field_unsigned(lua_State *L, int table, const char *name)
{
    lua_getfield(L, table, name);
    unsigned value = lua_isnil(L, -1) ? 0 : (unsigned)luaL_checkinteger(L, -1);
    lua_pop(L, 1);
    return value;
}

/* Strings of spec[name] (a list) into out; the strings stay alive in spec. */
static unsigned field_strings(lua_State *L, int table, const char *name, const char **out,
                              unsigned max)
{
    lua_getfield(L, table, name);
    unsigned n = 0;
    for (; n < max; n++) {
        lua_rawgeti(L, -1, (int)n + 1);
        if (lua_isnil(L, -1)) {
            lua_pop(L, 1);
            break;
        }
        out[n] = luaL_checkstring(L, -1);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return n;
}

static unsigned field_caps(lua_State *L, int table, struct child_cap *out, unsigned max)
{
    lua_getfield(L, table, "caps");
    unsigned n = 0;
    for (; n < max; n++) {
        lua_rawgeti(L, -1, (int)n + 1);
        if (lua_isnil(L, -1)) {
            lua_pop(L, 1);
            break;
        }
        lua_getfield(L, -1, "name");
        out[n].name = luaL_checkstring(L, -1);
        lua_getfield(L, -2, "handle");
        out[n].cap = check_cap(L, -1)->slot;
        lua_getfield(L, -3, "rights");
        out[n].rights = (unsigned)luaL_checkinteger(L, -1);
        lua_pop(L, 4);
    }
    lua_pop(L, 1);
    return n;
}

/* core.start(spec) -> id, or nil and a message naming the program */
static int core_start(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    const char *argv[NED_MAX_ARGS], *envp[NED_MAX_ARGS];
    struct child_cap caps[PECAN_ENV_MAX_CAPS];
    lua_getfield(L, 1, "program");
    const char *program = luaL_checkstring(L, -1);
    lua_pop(L, 1);
    struct child_spec spec = {
        .path = program,
        .argc = field_strings(L, 1, "argv", argv, NED_MAX_ARGS),
        .argv = argv,
        .envc = field_strings(L, 1, "env", envp, NED_MAX_ARGS),
        .envp = envp,
        .factory = field_cap(L, 1, "factory"),
        .scheduler = field_cap(L, 1, "scheduler"),
        .log = field_cap(L, 1, "log"),
        .priority = field_unsigned(L, 1, "priority"),
        .mcp = field_unsigned(L, 1, "mcp"),
        .cap_count = field_caps(L, 1, caps, PECAN_ENV_MAX_CAPS),
        .caps = caps,
    };
    struct child *child;
    const char *why = 0;
    int err = children_start(&children, &spec, &child, &why);
    if (err) {
        lua_pushnil(L);
        lua_pushfstring(L, "%s: %s (%s, error %d)", program, why ? why : "cannot start",
                        ned_error_name(err), err);
        return 2;
    }
    lua_pushinteger(L, child->id);
    return 1;
}

static struct child *find_child(unsigned id)
{
    for (unsigned i = 0; i < CHILDREN_MAX; i++)
        if (children.child[i] && children.child[i]->id == id)
            return children.child[i];
    return 0;
}

/* What ended a crashed child, in words: its fault, or why there is none. */
static void push_crash_cause(lua_State *L, const struct child *child)
{
    if (child->fault.kind == PECAN_TASK_FAULT_NONE) {
        lua_pushstring(L, "its task ended without an exit");
        return;
    }
    char text[96];
    pecan_task_fault_text(&child->fault, text, sizeof(text));
    lua_pushstring(L, text);
}

/* core.wait_exit(timeout_ms or nil) -> id, status ("killed"/"crashed" or a number)
 * [, what ended a crashed one] | nil */
static int core_wait_exit(lua_State *L)
{
    uint32_t timeout_us = 0;
    if (!lua_isnoneornil(L, 1)) {
        lua_Number ms = luaL_checknumber(L, 1);
        timeout_us = ms <= 0 ? 1 : (uint32_t)(ms * 1000);
    }
    struct child *child;
    if (children_wait(&children, timeout_us, &child) != 0) {
        lua_pushnil(L);
        return 1;
    }
    lua_pushinteger(L, child->id);
    int results = 2;
    if (child->killed) {
        lua_pushstring(L, "killed");
    } else if (child->crashed) {
        lua_pushstring(L, "crashed");
        push_crash_cause(L, child);
        results = 3;
    } else {
        lua_pushinteger(L, child->status);
    }
    children_release(&children, child);
    return results;
}

static int core_kill(lua_State *L)
{
    struct child *child = find_child((unsigned)luaL_checkinteger(L, 1));
    if (child)
        children_kill(&children, child);
    return 0;
}

static int core_log(lua_State *L)
{
    fprintf(stderr, "%s\n", luaL_checkstring(L, 1));
    return 0;
}

static int core_sleep_ms(lua_State *L)
{
    lua_Number ms = luaL_checknumber(L, 1);
    pecan_sleep_us(ms <= 0 ? 0 : (uint32_t)(ms * 1000));
    return 0;
}

static const luaL_Reg core_functions[] = {
    { "env", core_env },
    { "rights", core_rights },
    { "is_valid", core_is_valid },
    { "factory_create", core_factory_create },
    { "factory_info", core_factory_info },
    { "session_info", core_session_info },
    { "factory_destroy", core_factory_destroy },
    { "factory_release", core_factory_release },
    { "session_open", core_session_open },
    { "gate_bound", core_gate_bound },
    { "release", core_release },
    { "query", core_query },
    { "view", core_view },
    { "dataspace_info", core_dataspace_info },
    { "start", core_start },
    { "wait_exit", core_wait_exit },
    { "kill", core_kill },
    { "log", core_log },
    { "sleep_ms", core_sleep_ms },
    { 0, 0 },
};

int ned_core_open(lua_State *L)
{
    luaL_newmetatable(L, CAP_TYPE);
    lua_pushcfunction(L, cap_gc);
    lua_setfield(L, -2, "__gc");
    lua_pop(L, 1);
    luaL_register(L, "L4.core", core_functions);
    lua_pushinteger(L, PECAN_ENV_NAME_SIZE);
    lua_setfield(L, -2, "NAME_SIZE");
    lua_pushinteger(L, PECAN_SESSION_MAX_ARGS);
    lua_setfield(L, -2, "SESSION_MAX_ARGS");
    return 1;
}

int ned_core_init(void)
{
    return children_init(&children, PECAN_ENV_FACTORY);
}
