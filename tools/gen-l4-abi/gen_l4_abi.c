/* SPDX-License-Identifier: MIT */
/*
 * gen-l4-abi: writes ned's Lua module L4.abi (docs/ned.md) from the C headers that own the
 * numbers: protocol numbers and kernel labels (pecan/protocol_numbers.h), error codes and
 * IPC statuses (pecan/errors.h), rights (pecan/protocols.h). It is compiled for the host,
 * so the C compiler evaluates every value and the module can never disagree with C; the
 * host build runs it, ned embeds the output and the host tests load it (tests/ned).
 *
 * It also checks the lists, so a mistake fails the build: two protocols with one number,
 * a protocol outside every block, overlapping blocks, an error code at or above
 * PECAN_IPC_ERROR_BASE (it would read as a folded IPC status).
 *
 * Usage: gen-l4-abi <output.lua>
 */
#include <pecan/errors.h>
#include <pecan/protocol_numbers.h>
#include <pecan/protocols.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct entry {
    const char *lua;     /* the key in its Lua table */
    const char *c;       /* the C name */
    long value;
};

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

#define PROTOCOL_ENTRY(name, number, lua_name) { #lua_name, "PECAN_PROTO_" #name, (number) },
static const struct entry protocols[] = { PECAN_PROTOCOL_LIST(PROTOCOL_ENTRY) };

#define LABEL_ENTRY(name, number, lua_name) { #lua_name, "PECAN_LABEL_" #name, (number) },
static const struct entry labels[] = { PECAN_KERNEL_LABEL_LIST(LABEL_ENTRY) };

#define ERROR_ENTRY(name, code) { #name, "PECAN_" #name, (code) },
static const struct entry errors[] = { PECAN_ERROR_LIST(ERROR_ENTRY) };

#define STATUS_ENTRY(name, value) { #name, "PECAN_IPC_" #name, (value) },
static const struct entry statuses[] = { PECAN_IPC_STATUS_LIST(STATUS_ENTRY) };

/* Each status as pecan_error() returns it, computed by the C macro. */
#define IPC_ERROR_ENTRY(name, value) \
    { #name, "PECAN_IPC_ERROR(PECAN_IPC_" #name ")", PECAN_IPC_ERROR(value) },
static const struct entry ipc_errors[] = { PECAN_IPC_STATUS_LIST(IPC_ERROR_ENTRY) };

/* Rights are single defines, not a list (four bits, never more): named here, and the
 * ned.abi test fails if pecan/protocols.h grows one this table lacks. */
#define RIGHT_ENTRY(name) { #name, "PECAN_RIGHT_" #name, PECAN_RIGHT_##name },
static const struct entry rights[] = {
    RIGHT_ENTRY(WRITE) RIGHT_ENTRY(GRANT) RIGHT_ENTRY(READ) RIGHT_ENTRY(REVOKE)
    { "ALL", "PECAN_RIGHTS_ALL", PECAN_RIGHTS_ALL },
};

/* Constants outside the tables: their key in the module. */
static const struct entry constants[] = {
    { "IPC_ERROR_BASE", "PECAN_IPC_ERROR_BASE", PECAN_IPC_ERROR_BASE },
};

struct block {
    const char *name;
    long first, last;
};
#define BLOCK_ENTRY(name, first, last) { #name, (first), (last) },
static const struct block blocks[] = { PECAN_PROTOCOL_BLOCK_LIST(BLOCK_ENTRY) };

struct table {
    const char *name;          /* the module's key (L4.<name> in ned) */
    const struct entry *entries;
    size_t count;
    int hex;                   /* positive values in hex (protocol numbers, rights) */
};

static const struct table tables[] = {
    { "Proto", protocols, COUNT(protocols), 1 },
    { "Label", labels, COUNT(labels), 1 },
    { "Err", errors, COUNT(errors), 0 },
    { "Ipc_status", statuses, COUNT(statuses), 0 },
    { "Ipc_error", ipc_errors, COUNT(ipc_errors), 0 },
    { "Right", rights, COUNT(rights), 1 },
};

static int problems;

static void problem(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    fprintf(stderr, "gen-l4-abi: ");
    vfprintf(stderr, format, args);
    fprintf(stderr, "\n");
    va_end(args);
    problems++;
}

static const struct block *block_of(long number)
{
    for (size_t i = 0; i < COUNT(blocks); i++) {
        if (number >= blocks[i].first && number <= blocks[i].last)
            return &blocks[i];
    }
    return NULL;
}

static void check_unique(const struct table *t)
{
    for (size_t i = 0; i < t->count; i++) {
        for (size_t j = 0; j < i; j++) {
            if (t->entries[i].value == t->entries[j].value)
                problem("%s and %s are both %ld", t->entries[j].c, t->entries[i].c,
                        t->entries[i].value);
            if (strcmp(t->entries[i].lua, t->entries[j].lua) == 0)
                problem("%s and %s both have the Lua name %s.%s", t->entries[j].c,
                        t->entries[i].c, t->name, t->entries[i].lua);
        }
    }
}

static void check_lists(void)
{
    for (size_t i = 0; i < COUNT(tables); i++) {
        if (tables[i].entries != rights)   /* ALL is every right, not a right of its own */
            check_unique(&tables[i]);
    }
    for (size_t i = 0; i < COUNT(blocks); i++) {
        if (blocks[i].first > blocks[i].last || blocks[i].first < -0x8000 ||
            blocks[i].last > 0x7fff)
            problem("block %s (%ld..%ld) is empty or not 16-bit", blocks[i].name,
                    blocks[i].first, blocks[i].last);
        for (size_t j = 0; j < i; j++) {
            if (blocks[i].first <= blocks[j].last && blocks[j].first <= blocks[i].last)
                problem("blocks %s and %s overlap", blocks[j].name, blocks[i].name);
        }
    }
    for (size_t i = 0; i < COUNT(protocols); i++) {
        if (!block_of(protocols[i].value))
            problem("%s (%ld) lies in no block of PECAN_PROTOCOL_BLOCK_LIST", protocols[i].c,
                    protocols[i].value);
    }
    /* A kernel label may be a protocol's number only when it is that protocol's message
     * (NOTIFICATION); any other sharing would make a server misread one for the other. */
    for (size_t i = 0; i < COUNT(labels); i++) {
        const struct block *b = block_of(labels[i].value);
        if (!b || strcmp(b->name, "KERNEL") != 0)
            problem("%s (%ld) lies outside the KERNEL block", labels[i].c, labels[i].value);
        for (size_t j = 0; j < COUNT(protocols); j++) {
            if (protocols[j].value == labels[i].value &&
                strcmp(protocols[j].lua, labels[i].lua) != 0)
                problem("%s and %s are both %ld", protocols[j].c, labels[i].c,
                        labels[i].value);
        }
    }
    for (size_t i = 0; i < COUNT(errors); i++) {
        if (errors[i].value < 0 || errors[i].value >= PECAN_IPC_ERROR_BASE)
            problem("%s (%ld) is not in 0..PECAN_IPC_ERROR_BASE - 1", errors[i].c,
                    errors[i].value);
    }
}

static void write_value(FILE *out, long value, int hex)
{
    if (hex && value > 0)
        fprintf(out, "0x%lx", (unsigned long)value);
    else
        fprintf(out, "%ld", value);
}

static void write_module(FILE *out)
{
    fprintf(out,
            "-- L4.abi: the numbers of the C headers, for ned's Lua library (L4.Proto,\n"
            "-- L4.Err, ...; docs/ned.md). Generated at build time by tools/gen-l4-abi from\n"
            "-- pecan/protocol_numbers.h, pecan/errors.h and pecan/protocols.h: change those,\n"
            "-- never this file.\n"
            "return {\n");
    for (size_t i = 0; i < COUNT(tables); i++) {
        const struct table *t = &tables[i];
        fprintf(out, "    %s = {\n", t->name);
        for (size_t j = 0; j < t->count; j++) {
            fprintf(out, "        %s = ", t->entries[j].lua);
            write_value(out, t->entries[j].value, t->hex);
            fprintf(out, ",\n");
        }
        fprintf(out, "    },\n");
    }
    for (size_t i = 0; i < COUNT(constants); i++) {
        fprintf(out, "    %s = ", constants[i].lua);
        write_value(out, constants[i].value, 0);
        fprintf(out, ",\n");
    }
    /* The C name of every value, so the ned.abi test can hold each against C. */
    fprintf(out, "    c_name = {\n");
    for (size_t i = 0; i < COUNT(tables); i++) {
        for (size_t j = 0; j < tables[i].count; j++)
            fprintf(out, "        [\"%s.%s\"] = \"%s\",\n", tables[i].name,
                    tables[i].entries[j].lua, tables[i].entries[j].c);
    }
    for (size_t i = 0; i < COUNT(constants); i++)
        fprintf(out, "        [\"%s\"] = \"%s\",\n", constants[i].lua, constants[i].c);
    fprintf(out, "    },\n}\n");
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: gen-l4-abi <output.lua>\n");
        return 2;
    }
    check_lists();
    if (problems)
        return 1;
    /* Written under another name and renamed, so a failed run leaves no half module that
     * a later build would take for current. */
    size_t length = strlen(argv[1]) + sizeof(".tmp");
    char *temporary = malloc(length);
    if (!temporary)
        return 1;
    snprintf(temporary, length, "%s.tmp", argv[1]);
    FILE *out = fopen(temporary, "w");
    if (!out) {
        perror(temporary);
        return 1;
    }
    write_module(out);
    if (fclose(out) != 0 || rename(temporary, argv[1]) != 0) {
        perror(argv[1]);
        remove(temporary);
        return 1;
    }
    free(temporary);
    return 0;
}
