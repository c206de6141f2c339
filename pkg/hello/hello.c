/* SPDX-License-Identifier: MIT */
/* The first ordinary program: printf through newlib, the runtime and the log. */
#include <stdio.h>

int main(int argc, char **argv)
{
    printf("hello from pecan: %s, %d argument%s\n", argc > 0 ? argv[0] : "(no name)",
           argc, argc == 1 ? "" : "s");
    return 0;
}
