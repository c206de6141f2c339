/* SPDX-License-Identifier: MIT */
/* The kernel log object: debug output for user programs (the LOG protocol). */
#ifndef PECAN_OBJECT_LOG_H
#define PECAN_OBJECT_LOG_H

#include <object/cap.h>

struct capability log_cap(void);

#endif
