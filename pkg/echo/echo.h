/* SPDX-License-Identifier: MIT */
/*
 * The ECHO protocol of the example server and client (pkg/echo): a request's words come
 * back with every byte of text upper-cased. The server is wired to its clients by a boot
 * script channel (conf/echo.lua).
 */
#ifndef ECHO_H
#define ECHO_H

#include <pecan/protocol_numbers.h>   /* PECAN_PROTO_ECHO */

enum echo_op {
    ECHO_UPPER = 0,    /* w1 length, w2.. text -> w0 length, w1.. the text upper-cased */
    ECHO_CRASH = 1,    /* the server aborts (for the restart scenario) */
};

#define ECHO_MAX_TEXT 128

#endif
