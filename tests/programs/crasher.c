/* SPDX-License-Identifier: MIT */
/*
 * crasher: a program that crashes on purpose (conf/crash.lua). It first makes objects at
 * moe through its factory, as a client with sessions would: a dataspace attached and
 * written, a namespace holding an entry, a log it writes to. Then it faults, in the way
 * its argument names:
 *
 *   null       writes to address 0 (nothing attached there)
 *   text       writes to its own code (a read-only region)
 *   undefined  executes an undefined instruction (an exception)
 *   jump       calls an address with nothing attached (an execute fault)
 *   thread     a second thread reads an address with nothing attached while the main
 *              thread sleeps: the whole task ends, not only the thread
 *
 * moe ends the task; the objects must go with it (their only client copies were in its
 * capability space). It never exits normally: exit status 1 would mean it did not crash.
 */
#include <stdio.h>
#include <string.h>
#include <pecan/dataspace.h>
#include <pecan/factory.h>
#include <pecan/log.h>
#include <pecan/namespace.h>
#include <pecan/region_map.h>
#include <pecan/runtime.h>
#include <pecan/sys.h>
#include <pecan/thread.h>

#define OBJECT_SIZE 0x10000u
#define NOTHING_THERE 0x70000000u   /* free area: nothing is ever attached here */

int main(int argc, char **argv);

static int make_objects(void)
{
    pecan_cap_t ds, ns, log;
    int err = pecan_cap_alloc(&ds);
    if (!err)
        err = pecan_factory_create_dataspace(PECAN_ENV_FACTORY, OBJECT_SIZE, 0, 0, ds, 0);
    pecan_word_t at = PECAN_ENV_FREE_BASE;
    if (!err)
        err = pecan_rm_attach(PECAN_ENV_RM, &at, OBJECT_SIZE,
                              PECAN_MAP_READ | PECAN_MAP_WRITE | PECAN_RM_SEARCH_ADDRESS, ds, 0);
    if (!err)
        memset((void *)at, 0x5A, OBJECT_SIZE);   /* every page backed */
    if (!err && !(err = pecan_cap_alloc(&ns)))
        err = pecan_factory_create_namespace(PECAN_ENV_FACTORY, ns);
    if (!err)
        err = pecan_ns_register(ns, "data", ds, 0);
    if (!err && !(err = pecan_cap_alloc(&log)))
        err = pecan_factory_create_log(PECAN_ENV_FACTORY, 1, "crasher-log", log);
    if (!err)
        err = pecan_log_write(log, "objects made", 12);
    return err;
}

static void write_null(void)
{
    *(volatile unsigned *)0 = 1;
}

static void write_text(void)
{
    *(volatile unsigned *)(uintptr_t)main = 0;
}

static void undefined(void)
{
    __asm__ volatile(".word 0xe7f000f0");   /* permanently undefined (UDF #0) */
}

static void jump_nowhere(void)
{
    ((void (*)(void))(uintptr_t)NOTHING_THERE)();
}

static void *read_nothing(void *arg)
{
    (void)arg;
    return (void *)(uintptr_t)*(volatile unsigned *)NOTHING_THERE;
}

static void in_a_thread(void)
{
    struct pecan_thread *t;
    if (pecan_thread_create(&t, read_nothing, 0) != 0)
        return;
    pecan_sleep_us(10u * 1000 * 1000);   /* the task ends long before this */
}

int main(int argc, char **argv)
{
    const char *how = argc > 1 ? argv[1] : "null";
    int err = make_objects();
    if (err) {
        printf("crasher: FAILED to make its objects: %d\n", err);
        return 2;
    }
    printf("crasher: objects made; crashing (%s)\n", how);
    if (strcmp(how, "text") == 0)
        write_text();
    else if (strcmp(how, "undefined") == 0)
        undefined();
    else if (strcmp(how, "jump") == 0)
        jump_nowhere();
    else if (strcmp(how, "thread") == 0)
        in_a_thread();
    else
        write_null();
    printf("crasher: FAILED: still running after the fault (%s)\n", how);
    return 1;
}
