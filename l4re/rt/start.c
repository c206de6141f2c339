/* SPDX-License-Identifier: MIT */
/*
 * Start-up of a program (after crt0.S): checks the environment page, sets up the slot
 * allocators, the main thread's record and the libc glue, runs constructors, builds
 * argv/envp from the page and calls main; its result goes to exit(), which flushes stdio
 * and ends the program through the parent protocol. A program whose loader gave it no
 * TERM gets TERM=vt100, the runtime's one termcap entry (l4re/libc/termcap.c).
 */
#include <pecan/kip.h>
#include <pecan/log.h>
#include <pecan/parent.h>
#include <pecan/runtime.h>
#include <stdlib.h>
#include <string.h>
#include "env_parse.h"
#include "runtime_internal.h"

/* argv and envp pointers: the page holds at most a few thousand strings, programs use a
 * handful; more than this is refused at start. */
#define STRING_VECTOR_MAX 512

int main(int argc, char **argv, char **envp);
extern char **environ;

static const struct pecan_env *program_env;
static char *string_vector[STRING_VECTOR_MAX];

typedef void (*constructor_t)(void);
extern constructor_t __init_array_start[], __init_array_end[];

/* newlib's exit() runs the .fini_array (__libc_fini_array) and then _fini, the hook of
 * crti-style start files; programs here have no such section. */
void _fini(void);
void _fini(void)
{
}

const struct pecan_env *pecan_env(void)
{
    return program_env;
}

pecan_cap_t pecan_env_cap(const char *name)
{
    return env_find_cap(program_env, name);
}

/* Appends TERM=vt100 to envp (ending at vector_end) when it has no TERM: programs that
 * ask termcap for their terminal (readline) then find the built-in entry. The string is
 * static and the pointer goes in the vector's spare room, so nothing is allocated. */
static void default_terminal(char **envp, char **vector_end)
{
    static char term[] = "TERM=vt100";
    char **e = envp;
    for (; *e; e++)
        if (!strncmp(*e, "TERM=", 5))
            return;
    if (e + 1 < vector_end) {
        e[0] = term;
        e[1] = 0;
    }
}

static void fail_start(const char *why)
{
    pecan_log_puts(PECAN_ENV_LOG, why);
    pecan_parent_exit(PECAN_ENV_PARENT, 127);
}

void pecan_runtime_start(const struct pecan_env *env) __attribute__((noreturn));
void pecan_runtime_start(const struct pecan_env *env)
{
    uint64_t start_ns = pecan_kip_clock_ns((const volatile struct pecan_kip *)PECAN_KIP_ADDRESS);
    if (env_check(env))
        fail_start("runtime: bad environment page\n");
    program_env = env;
    runtime_slots_init(env);
    runtime_thread_init_main();
    runtime_libc_init(start_ns);
    if (env_string_vectors(env, string_vector, STRING_VECTOR_MAX))
        fail_start("runtime: bad or too many argument strings\n");
    for (constructor_t *c = __init_array_start; c < __init_array_end; c++)
        (*c)();
    char **argv = string_vector;
    char **envp = string_vector + env->argc + 1;
    default_terminal(envp, string_vector + STRING_VECTOR_MAX);
    environ = envp;
    exit(main((int)env->argc, argv, envp));
}
