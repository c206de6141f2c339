/* SPDX-License-Identifier: MIT */
/*
 * A program's initial environment (docs/runtime.md): the well-known capability slots of
 * its capability space, the layout of its address space, and the environment page its
 * loader writes (names of the capabilities it was given, arguments, environment
 * variables). The loader (l4re/loader, used by moe and ned) writes it; the runtime's
 * start-up code (l4re/rt/crt0.S, env.c) reads it. Root tasks use pecan/bootinfo.h
 * instead.
 */
#ifndef PECAN_ENV_H
#define PECAN_ENV_H

#include <pecan/syscall.h>

/* Capability space of a program: one CNode of 2^cnode_bits slots, index = slot number.
 * Slots 1-6 have the same meaning as the root task's (pecan/bootinfo.h). */
enum pecan_env_slot {
    PECAN_ENV_NULL = 0,          /* always empty */
    PECAN_ENV_THREAD = 1,        /* the main thread object */
    PECAN_ENV_CNODE = 2,         /* this capability space */
    PECAN_ENV_VSPACE = 3,        /* this address space (unmap own ranges) */
    PECAN_ENV_TASK = 4,          /* this task at moe (TASK protocol: create threads) */
    PECAN_ENV_LOG = 5,           /* LOG protocol */
    PECAN_ENV_SCHEDULER = 6,     /* SCHEDULER protocol (kernel's or a balancer's) */
    PECAN_ENV_FACTORY = 7,       /* FACTORY protocol: memory and objects, with a quota */
    PECAN_ENV_RM = 8,            /* REGION_MAP protocol: this task's region map (the pager) */
    PECAN_ENV_PARENT = 9,        /* PARENT protocol: exit status goes here */
    PECAN_ENV_FIRST_NAMED = 16,  /* named capabilities (struct pecan_env.caps) from here */
};
#define PECAN_ENV_CNODE_BITS 12

/* Address space of a program (below the kernel's user limit, 0xBF000000). */
#define PECAN_ENV_IMAGE_BASE 0x00010000u     /* ELF segments (l4re/rt/user.ld) */
#define PECAN_ENV_IMAGE_LIMIT 0x20000000u
#define PECAN_ENV_HEAP_BASE 0x20000000u      /* malloc's heap: one lazily filled dataspace */
#define PECAN_ENV_HEAP_MAX 0x10000000u
#define PECAN_ENV_FREE_BASE 0x30000000u      /* region map searches for free space here */
#define PECAN_ENV_FREE_LIMIT 0xB0000000u
#define PECAN_ENV_STACK_TOP 0xB0000000u      /* main thread's stack grows down from here */
#define PECAN_ENV_STACK_SIZE 0x00040000u
#define PECAN_ENV_UTCB_AREA 0xBE000000u      /* one 4 KiB page per thread, main thread first */
#define PECAN_ENV_UTCB_SLOTS 256u
#define PECAN_ENV_PAGE 0xBEF00000u           /* struct pecan_env, read-only */
#define PECAN_ENV_PAGE_SIZE 0x2000u

#define PECAN_ENV_MAGIC 0x564E4550u          /* "PENV" */
#define PECAN_ENV_VERSION 1u
#define PECAN_ENV_NAME_SIZE 16
#define PECAN_ENV_MAX_CAPS 32

struct pecan_env_cap {
    char name[PECAN_ENV_NAME_SIZE];   /* NUL-terminated */
    pecan_cap_t cap;                  /* slot in the program's CNode */
    uint32_t rights;                  /* PECAN_RIGHT_* the capability carries */
};

struct pecan_env {
    uint32_t magic;
    uint32_t version;
    uint32_t cnode_bits;
    pecan_cap_t first_free_cap;       /* slots from here on are empty */
    uint32_t utcb_area;               /* PECAN_ENV_UTCB_AREA */
    uint32_t utcb_slots;
    uint32_t stack_top;
    uint32_t stack_size;
    uint32_t heap_base;
    uint32_t heap_max;
    uint32_t argc;                    /* argv strings, then envc "NAME=value" strings, */
    uint32_t envc;                    /* each NUL-terminated, packed in strings[] */
    uint32_t cap_count;
    struct pecan_env_cap caps[PECAN_ENV_MAX_CAPS];
    char strings[PECAN_ENV_PAGE_SIZE - 13 * 4 -
                 PECAN_ENV_MAX_CAPS * sizeof(struct pecan_env_cap)];
};

_Static_assert(sizeof(struct pecan_env) == PECAN_ENV_PAGE_SIZE, "env page layout");

#endif
