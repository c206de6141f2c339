/* SPDX-License-Identifier: MIT */
/* Unit tests for l4re/rt/env_parse.c: header checks, capabilities by name (including
 * 16-byte names without a NUL), argv/envp vectors and strings that run off the page. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <pecan/errors.h>
#include "env_parse.h"

static struct pecan_env env;

static void fill(unsigned argc, unsigned envc, const char *strings, size_t length)
{
    memset(&env, 0, sizeof(env));
    env.magic = PECAN_ENV_MAGIC;
    env.version = PECAN_ENV_VERSION;
    env.cnode_bits = PECAN_ENV_CNODE_BITS;
    env.first_free_cap = 20;
    env.argc = argc;
    env.envc = envc;
    memcpy(env.strings, strings, length);
}

static void test_check(void **state)
{
    (void)state;
    fill(0, 0, "", 0);
    assert_int_equal(env_check(&env), 0);
    env.magic = 0;
    assert_int_equal(env_check(&env), -PECAN_EINVAL);
    fill(0, 0, "", 0);
    env.cap_count = PECAN_ENV_MAX_CAPS + 1;
    assert_int_equal(env_check(&env), -PECAN_EINVAL);
    fill(0, 0, "", 0);
    env.first_free_cap = 5000;
    assert_int_equal(env_check(&env), -PECAN_EINVAL);
}

static void test_caps_by_name(void **state)
{
    (void)state;
    fill(0, 0, "", 0);
    env.cap_count = 3;
    strcpy(env.caps[0].name, "rom");
    env.caps[0].cap = 16;
    memcpy(env.caps[1].name, "sixteen_chars_xx", 16);   /* no NUL */
    env.caps[1].cap = 17;
    strcpy(env.caps[2].name, "channel");
    env.caps[2].cap = 18;
    strcpy(env.caps[3].name, "hidden");                  /* past cap_count */
    env.caps[3].cap = 19;
    assert_int_equal(env_find_cap(&env, "rom"), 16);
    assert_int_equal(env_find_cap(&env, "sixteen_chars_xx"), 17);
    assert_int_equal(env_find_cap(&env, "sixteen_chars_xxy"), 0);
    assert_int_equal(env_find_cap(&env, "channel"), 18);
    assert_int_equal(env_find_cap(&env, "chan"), 0);
    assert_int_equal(env_find_cap(&env, "hidden"), 0);
}

static void test_vectors(void **state)
{
    (void)state;
    static const char s[] = "prog\0-v\0HOME=/\0A=b";
    fill(2, 2, s, sizeof(s));
    char *v[8];
    assert_int_equal(env_string_vectors(&env, v, 8), 0);
    assert_string_equal(v[0], "prog");
    assert_string_equal(v[1], "-v");
    assert_null(v[2]);
    assert_string_equal(v[3], "HOME=/");
    assert_string_equal(v[4], "A=b");
    assert_null(v[5]);
    assert_int_equal(env_string_vectors(&env, v, 5), -PECAN_ERANGE);

    fill(0, 0, "", 0);
    assert_int_equal(env_string_vectors(&env, v, 8), 0);
    assert_null(v[0]);
    assert_null(v[1]);
}

static void test_unterminated(void **state)
{
    (void)state;
    fill(1, 0, "", 0);
    memset(env.strings, 'x', sizeof(env.strings));
    char *v[4];
    assert_int_equal(env_string_vectors(&env, v, 4), -PECAN_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_caps_by_name),
        cmocka_unit_test(test_vectors),
        cmocka_unit_test(test_unterminated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
