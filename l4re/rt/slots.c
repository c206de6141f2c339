/* SPDX-License-Identifier: MIT */
/*
 * The program's capability slot allocator and UTCB slot allocator (pecan/runtime.h), both
 * lock-free bitmaps. Capability slots below the environment's first_free_cap belong to
 * the loader's layout and are never handed out; UTCB slot 0 is the main thread's.
 */
#include <pecan/runtime.h>
#include <pecan/sys.h>
#include "runtime_internal.h"
#include "slot_bitmap.h"

#define CAP_SLOTS_MAX (1u << PECAN_ENV_CNODE_BITS)
#define CNODE_DEPTH 32

static uint32_t cap_words[CAP_SLOTS_MAX / 32];
static struct slot_bitmap cap_slots;
static uint32_t utcb_words[PECAN_ENV_UTCB_SLOTS / 32];
static struct slot_bitmap utcb_slots;
static pecan_word_t utcb_area;

void runtime_slots_init(const struct pecan_env *env)
{
    unsigned caps = 1u << env->cnode_bits;
    if (caps > CAP_SLOTS_MAX)
        caps = CAP_SLOTS_MAX;
    slot_bitmap_init(&cap_slots, cap_words, caps, env->first_free_cap);
    unsigned utcbs = env->utcb_slots;
    if (utcbs > PECAN_ENV_UTCB_SLOTS)
        utcbs = PECAN_ENV_UTCB_SLOTS;
    slot_bitmap_init(&utcb_slots, utcb_words, utcbs, 1);
    utcb_area = env->utcb_area;
}

int pecan_cap_alloc(pecan_cap_t *slot)
{
    int s = slot_bitmap_alloc(&cap_slots);
    if (s < 0)
        return -PECAN_ENOMEM;
    *slot = (pecan_cap_t)s;
    return 0;
}

void pecan_cap_free(pecan_cap_t slot)
{
    slot_bitmap_free(&cap_slots, slot);
}

void pecan_cap_release(pecan_cap_t slot)
{
    pecan_cnode_delete(PECAN_ENV_CNODE, slot, CNODE_DEPTH);
    pecan_cap_free(slot);
}

unsigned pecan_cap_free_count(void)
{
    return slot_bitmap_free_count(&cap_slots);
}

int pecan_utcb_slot_alloc(unsigned *slot)
{
    int s = slot_bitmap_alloc(&utcb_slots);
    if (s < 0)
        return -PECAN_ENOMEM;
    *slot = (unsigned)s;
    return 0;
}

void pecan_utcb_slot_free(unsigned slot)
{
    slot_bitmap_free(&utcb_slots, slot);
}

pecan_word_t pecan_utcb_slot_address(unsigned slot)
{
    return utcb_area + slot * 4096u;
}
