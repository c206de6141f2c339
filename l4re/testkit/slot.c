/* SPDX-License-Identifier: MIT */
/*
 * testkit_slot (pecan/testkit.h): a slot or the end of the test. A file of its own, so a
 * test that needs only this links only this.
 */
#include <pecan/runtime.h>
#include <pecan/testkit.h>
#include <stdio.h>
#include <stdlib.h>

pecan_cap_t testkit_slot(void)
{
    pecan_cap_t slot = 0;
    if (pecan_cap_alloc(&slot) != 0) {
        printf("testkit: out of capability slots (FAILED)\n");
        exit(TESTKIT_EXIT_NO_SLOT);
    }
    return slot;
}
