/* SPDX-License-Identifier: MIT */
/* The kernel console object: debug output for user programs (the LOG protocol). */
#ifndef PECAN_OBJECT_CONSOLE_H
#define PECAN_OBJECT_CONSOLE_H

#include <object/cap.h>

struct capability console_cap(void);

#endif
