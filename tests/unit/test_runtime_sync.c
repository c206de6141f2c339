/* SPDX-License-Identifier: MIT */
/* Unit tests for the portable parts of the runtime's timed waits (l4re/thread): the sorted
 * list of deadlines the timer keeps (deadlines.c), the waiter queues with a waiter taking
 * itself off (waiters.h) and a mailbox's ring (ring.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "deadlines.h"
#include "ring.h"
#include "waiters.h"

static void test_deadline_after_saturates(void **state)
{
    (void)state;
    assert_true(deadline_after(5, 0, 0) == 5);
    assert_true(deadline_after(1000, 3, 10) == 1000 + 3000000 + 10);
    assert_true(deadline_after(0, UINT32_MAX, 0) == (uint64_t)UINT32_MAX * 1000000u);
    assert_true(deadline_after(UINT64_MAX - 5, 1, 0) == DEADLINE_NONE);
    assert_true(deadline_after(1, 1, UINT64_MAX) == DEADLINE_NONE);
    assert_true(deadline_after(UINT64_MAX - 1000001, 1, 1) == UINT64_MAX - 1000001 + 1000001);
}

static void test_insert_keeps_order(void **state)
{
    (void)state;
    struct deadline_list list = { 0 };
    struct deadline d[5] = { { .at_ns = 50 }, { .at_ns = 20 }, { .at_ns = 50 }, { .at_ns = 70 },
                             { .at_ns = 10 } };
    assert_int_equal(deadline_insert(&list, &d[0]), 1);   /* first: earliest */
    assert_int_equal(deadline_insert(&list, &d[1]), 1);   /* earlier */
    assert_int_equal(deadline_insert(&list, &d[2]), 0);   /* same time: after d[0] */
    assert_int_equal(deadline_insert(&list, &d[3]), 0);
    assert_int_equal(deadline_insert(&list, &d[4]), 1);
    struct deadline *want[] = { &d[4], &d[1], &d[0], &d[2], &d[3] };
    struct deadline *at = list.head;
    for (int i = 0; i < 5; i++, at = at->next)
        assert_ptr_equal(at, want[i]);
    assert_null(at);
}

static void test_remove_anywhere(void **state)
{
    (void)state;
    struct deadline_list list = { 0 };
    struct deadline d[3] = { { .at_ns = 1 }, { .at_ns = 2 }, { .at_ns = 3 } }, other = { .at_ns = 2 };
    for (int i = 0; i < 3; i++)
        deadline_insert(&list, &d[i]);
    assert_int_equal(deadline_remove(&list, &other), 0);   /* never on it */
    assert_int_equal(deadline_remove(&list, &d[1]), 1);
    assert_int_equal(deadline_remove(&list, &d[1]), 0);    /* only once */
    assert_int_equal(deadline_remove(&list, &d[0]), 1);
    assert_ptr_equal(list.head, &d[2]);
    assert_int_equal(deadline_remove(&list, &d[2]), 1);
    assert_null(list.head);
}

static void test_take_due_in_order(void **state)
{
    (void)state;
    struct deadline_list list = { 0 };
    struct deadline d[3] = { { .at_ns = 100 }, { .at_ns = 200 }, { .at_ns = 300 } };
    for (int i = 2; i >= 0; i--)
        deadline_insert(&list, &d[i]);
    assert_null(deadline_take_due(&list, 99));
    assert_ptr_equal(deadline_take_due(&list, 200), &d[0]);
    assert_ptr_equal(deadline_take_due(&list, 200), &d[1]);   /* due exactly at its time */
    assert_null(deadline_take_due(&list, 200));
    assert_ptr_equal(list.head, &d[2]);
}

static void test_wait_rounds_up(void **state)
{
    (void)state;
    struct deadline_list list = { 0 };
    assert_true(deadline_wait_us(&list, 0) == DEADLINE_NONE);
    struct deadline d = { .at_ns = 10000 };
    deadline_insert(&list, &d);
    assert_true(deadline_wait_us(&list, 0) == 10);
    assert_true(deadline_wait_us(&list, 1) == 10);       /* 9.999 µs: rounded up */
    assert_true(deadline_wait_us(&list, 9001) == 1);     /* 0.999 µs: never 0 before due */
    assert_true(deadline_wait_us(&list, 10000) == 0);
    assert_true(deadline_wait_us(&list, 20000) == 0);
}

static void test_waiters_remove(void **state)
{
    (void)state;
    struct pecan_thread t[4] = { 0 };
    struct pecan_thread *head = 0, *tail = 0;
    for (int i = 0; i < 3; i++)
        waiters_push(&head, &tail, &t[i]);
    assert_int_equal(waiters_remove(&head, &tail, &t[3]), 0);   /* never queued */
    assert_int_equal(waiters_remove(&head, &tail, &t[2]), 1);   /* the tail */
    assert_ptr_equal(tail, &t[1]);
    waiters_push(&head, &tail, &t[2]);
    assert_int_equal(waiters_remove(&head, &tail, &t[0]), 1);   /* the head */
    assert_ptr_equal(head, &t[1]);
    assert_int_equal(waiters_remove(&head, &tail, &t[0]), 0);   /* popped already */
    assert_ptr_equal(waiters_pop(&head, &tail), &t[1]);
    assert_int_equal(waiters_remove(&head, &tail, &t[2]), 1);   /* the only one */
    assert_null(head);
    assert_null(tail);
    waiters_push(&head, &tail, &t[3]);                          /* the queue still works */
    assert_ptr_equal(waiters_pop(&head, &tail), &t[3]);
    assert_null(waiters_pop(&head, &tail));
}

static void test_ring_wraps_in_order(void **state)
{
    (void)state;
    void *ring[3];
    unsigned first = 0, count = 0;
    uintptr_t next_in = 1, next_out = 1;
    for (int round = 0; round < 10; round++) {
        while (count < 3)
            ring_put(ring, 3, first, &count, (void *)next_in++);
        for (int i = 0; i < 2; i++)
            assert_ptr_equal(ring_take(ring, 3, &first, &count), (void *)next_out++);
    }
    while (count)
        assert_ptr_equal(ring_take(ring, 3, &first, &count), (void *)next_out++);
    assert_true(next_in == next_out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deadline_after_saturates),
        cmocka_unit_test(test_insert_keeps_order),
        cmocka_unit_test(test_remove_anywhere),
        cmocka_unit_test(test_take_due_in_order),
        cmocka_unit_test(test_wait_rounds_up),
        cmocka_unit_test(test_waiters_remove),
        cmocka_unit_test(test_ring_wraps_in_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
