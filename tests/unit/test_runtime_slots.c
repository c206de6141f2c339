/* SPDX-License-Identifier: MIT */
/* Unit tests for l4re/rt/slot_bitmap.c: reserved slots, exhaustion, free and reuse, bad
 * frees, and four threads allocating and freeing at once without handing out a slot twice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <string.h>

#include "slot_bitmap.h"

static void test_reserved_and_exhaustion(void **state)
{
    (void)state;
    uint32_t words[4];
    struct slot_bitmap b;
    slot_bitmap_init(&b, words, 100, 16);
    assert_int_equal(slot_bitmap_free_count(&b), 84);
    uint8_t seen[100] = { 0 };
    for (int i = 0; i < 84; i++) {
        int s = slot_bitmap_alloc(&b);
        assert_true(s >= 16 && s < 100);
        assert_int_equal(seen[s], 0);
        seen[s] = 1;
    }
    assert_int_equal(slot_bitmap_alloc(&b), -1);
    assert_int_equal(slot_bitmap_free_count(&b), 0);
}

static void test_free_and_reuse(void **state)
{
    (void)state;
    uint32_t words[2];
    struct slot_bitmap b;
    slot_bitmap_init(&b, words, 40, 38);
    assert_int_equal(slot_bitmap_alloc(&b), 38);
    assert_int_equal(slot_bitmap_alloc(&b), 39);
    assert_int_equal(slot_bitmap_alloc(&b), -1);
    assert_int_equal(slot_bitmap_free(&b, 38), 0);
    assert_int_equal(slot_bitmap_free(&b, 38), -1);    /* twice */
    assert_int_equal(slot_bitmap_free(&b, 40), -1);    /* out of range */
    assert_int_equal(slot_bitmap_free(&b, 1000), -1);
    assert_int_equal(slot_bitmap_alloc(&b), 38);
}

#define THREADS 4
#define ROUNDS 20000
static struct slot_bitmap shared;
static uint32_t shared_words[8];
static int owner[256];

static void *churn(void *arg)
{
    int me = (int)(intptr_t)arg + 1;
    for (int r = 0; r < ROUNDS; r++) {
        int s = slot_bitmap_alloc(&shared);
        if (s < 0)
            continue;
        if (__atomic_exchange_n(&owner[s], me, __ATOMIC_SEQ_CST) != 0)
            return (void *)1;    /* somebody else holds it */
        __atomic_store_n(&owner[s], 0, __ATOMIC_SEQ_CST);
        if (slot_bitmap_free(&shared, (unsigned)s))
            return (void *)1;
    }
    return 0;
}

static void test_concurrent(void **state)
{
    (void)state;
    slot_bitmap_init(&shared, shared_words, 256, 250);   /* 6 slots for 4 threads */
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], 0, churn, (void *)(intptr_t)i), 0);
    for (int i = 0; i < THREADS; i++) {
        void *result;
        pthread_join(t[i], &result);
        assert_null(result);
    }
    assert_int_equal(slot_bitmap_free_count(&shared), 6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reserved_and_exhaustion),
        cmocka_unit_test(test_free_and_reuse),
        cmocka_unit_test(test_concurrent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
