/* SPDX-License-Identifier: MIT */
/*
 * Bounded kernel work and its measurement (include/core/preempt.h).
 *
 * The budget is a count of estimated instructions that the preemptible loops add to as
 * they go, not a clock: it is cheap (a load, an add, a compare), and the same call stops
 * at the same place on every run, so tests of an interrupted and resumed operation are
 * deterministic. A pending interrupt still stops an operation early, as before.
 *
 * The measurement reads the board's counter at both ends of each entry on this CPU
 * (plat_clock_counter, 24 MHz, 32 bits: differences modulo 2^32 are right for up to
 * three minutes). The longest difference is kept with the invoked tag and word 0 of
 * that entry, which says what took so long.
 */
#include <core/clock.h>
#include <core/cpu.h>
#include <core/preempt.h>
#include <interrupt_controller.h>
#include <object/thread.h>
#include <plat.h>

unsigned preempt_work;
unsigned long preempt_stops;

bool preempt_step_check(unsigned before)
{
    bool stop = preempt_work >= PREEMPT_BUDGET ||
                ((before ^ preempt_work) >= PREEMPT_CHECK_INTERVAL && intc_interrupt_pending());
    if (stop)
        preempt_stops++;
    return stop;
}

bool preempt_room_for_check(unsigned cost)
{
    if (preempt_work + cost <= PREEMPT_BUDGET)
        return true;
    preempt_stops++;
    return false;
}

bool preempt_charge(unsigned cost)
{
    if (preempt_work > PREEMPT_BUDGET || cost > PREEMPT_BUDGET - preempt_work)
        return false;
    preempt_work += cost;
    return true;
}

bool latency_on;

#define NOT_MEASURED 0u

static struct {
    uint32_t start;                 /* counter at the entry, NOT_MEASURED: none */
    word_t tag, word0;              /* what the entry invoked (r1, r3 of the caller) */
} entries[CONFIG_MAX_CPUS];

static uint32_t longest;            /* counter ticks */
static word_t longest_tag, longest_word0;
static word_t measured;

void latency_begin_measured(const struct thread *t)
{
    unsigned i = this_cpu_index();
    uint32_t now = plat_clock_counter();
    entries[i].start = now == NOT_MEASURED ? 1 : now;
    entries[i].tag = t ? t->context.r[1] : 0;
    entries[i].word0 = t ? t->context.r[3] : 0;
}

void latency_end_measured(void)
{
    unsigned i = this_cpu_index();
    uint32_t start = entries[i].start;
    if (start == NOT_MEASURED)
        return;
    entries[i].start = NOT_MEASURED;
    uint32_t spent = plat_clock_counter() - start;
    measured++;
    if (spent > longest) {
        longest = spent;
        longest_tag = entries[i].tag;
        longest_word0 = entries[i].word0;
    }
}

void latency_exclude(void)
{
    entries[this_cpu_index()].start = NOT_MEASURED;
}

void latency_reset(void)
{
    for (unsigned i = 0; i < CONFIG_MAX_CPUS; i++)
        entries[i].start = NOT_MEASURED;
    longest = 0;
    longest_tag = longest_word0 = 0;
    measured = 0;
    latency_on = true;
}

void latency_read(struct latency_report *report)
{
    report->longest_ns = (uint64_t)longest * 1000000000ull / PLAT_CLOCK_HZ;
    report->tag = longest_tag;
    report->word0 = longest_word0;
    report->entries = measured;
}
