/* SPDX-License-Identifier: MIT */
/* The test drivers' common steps (driver.h). */
#include <pecan/factory.h>
#include <pecan/icu.h>
#include <pecan/iomem.h>
#include <pecan/region_map.h>
#include <pecan/runtime.h>
#include <pecan/sys.h>
#include "driver.h"

int driver_map(const char *iomem_name, pecan_word_t phys, pecan_word_t size,
               volatile uint32_t **regs)
{
    pecan_cap_t iomem = pecan_env_cap(iomem_name), ds;
    if (!iomem)
        return -PECAN_ENOENT;
    int err = pecan_cap_alloc(&ds);
    if (err)
        return err;
    /* The dataspace is charged to this program's own factory, and goes with it. */
    err = pecan_iomem_dataspace(iomem, PECAN_ENV_FACTORY, phys, size, ds);
    pecan_word_t at = PECAN_ENV_FREE_BASE;
    if (!err)
        err = pecan_rm_attach(PECAN_ENV_RM, &at, size,
                              PECAN_RM_SEARCH_ADDRESS | PECAN_MAP_READ | PECAN_MAP_WRITE, ds, 0);
    if (err) {
        pecan_cap_release(ds);
        return err;
    }
    *regs = (volatile uint32_t *)(uintptr_t)at;
    return 0;
}

int driver_irq_attach(const char *icu_name, pecan_word_t line, pecan_word_t bits,
                      struct driver_irq *irq)
{
    pecan_cap_t icu = pecan_env_cap(icu_name);
    if (!icu)
        return -PECAN_ENOENT;
    int err;
    if ((err = pecan_cap_alloc(&irq->handler)) || (err = pecan_cap_alloc(&irq->notification)))
        return err;
    if ((err = pecan_icu_get(icu, line, irq->handler)) ||
        (err = pecan_factory_create_notification(PECAN_ENV_FACTORY, irq->notification)) ||
        (err = pecan_thread_bind_notification(PECAN_ENV_THREAD, irq->notification)))
        return err;
    return pecan_irq_bind(irq->handler, irq->notification, bits);
}

bool driver_irq_wait(uint32_t timeout_us, pecan_word_t *bits)
{
    struct pecan_message m;
    struct pecan_reply r = pecan_ipc_wait(&m, pecan_timeout_us(timeout_us));
    if (r.ipc_status != PECAN_IPC_OK || pecan_tag_label(r.tag) != PECAN_LABEL_NOTIFICATION)
        return false;
    *bits = m.word[0];
    return true;
}
