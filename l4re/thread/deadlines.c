/* SPDX-License-Identifier: MIT */
/*
 * The sorted list of deadlines (deadlines.h). A linear walk on insertion and removal: the
 * list holds the program's threads in a timed wait, a handful. Invariant: at_ns never
 * decreases from head to tail, and an entry is on the list at most once.
 */
#include "deadlines.h"
#include <stddef.h>

uint64_t deadline_after(uint64_t now_ns, uint32_t timeout_ms, uint64_t slack_ns)
{
    uint64_t span = (uint64_t)timeout_ms * 1000000u;   /* at most 2^32 * 10^6: fits */
    if (slack_ns > DEADLINE_NONE - span)
        return DEADLINE_NONE;
    span += slack_ns;
    return now_ns > DEADLINE_NONE - span ? DEADLINE_NONE : now_ns + span;
}

int deadline_insert(struct deadline_list *list, struct deadline *d)
{
    struct deadline **link = &list->head;
    while (*link && (*link)->at_ns <= d->at_ns)
        link = &(*link)->next;
    d->next = *link;
    *link = d;
    return list->head == d;
}

int deadline_remove(struct deadline_list *list, struct deadline *d)
{
    for (struct deadline **link = &list->head; *link; link = &(*link)->next) {
        if (*link == d) {
            *link = d->next;
            d->next = NULL;
            return 1;
        }
    }
    return 0;
}

struct deadline *deadline_take_due(struct deadline_list *list, uint64_t now_ns)
{
    struct deadline *d = list->head;
    if (!d || d->at_ns > now_ns)
        return NULL;
    list->head = d->next;
    d->next = NULL;
    return d;
}

uint64_t deadline_wait_us(const struct deadline_list *list, uint64_t now_ns)
{
    if (!list->head)
        return DEADLINE_NONE;
    uint64_t at = list->head->at_ns;
    if (at <= now_ns)
        return 0;
    uint64_t ns = at - now_ns;
    return ns / 1000u + (ns % 1000u != 0);
}
