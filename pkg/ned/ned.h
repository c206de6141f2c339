/* SPDX-License-Identifier: MIT */
/*
 * ned, the boot-script loader (docs/ned.md): the pieces its files share.
 */
#ifndef NED_H
#define NED_H

#include <lua.h>

#define NED_MAX_ARGS 32

/* Registers L4.core (core.c) and returns its table on the stack. */
int ned_core_open(lua_State *L);
/* Sets up the launcher that starts the script's programs. */
int ned_core_init(void);
/* A short name for a negative PECAN_E* code. */
const char *ned_error_name(int err);

/* lua/L4.lua, embedded at build time (embed.cmake). */
extern const char ned_l4_lua[];
extern const unsigned ned_l4_lua_size;

#endif
