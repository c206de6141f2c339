/* SPDX-License-Identifier: MIT */
/* The few string and memory functions the kernel uses (kernel/lib/string.c); named lib/string.h so it never shadows a host libc header in unit tests. */
#ifndef PECAN_STRING_H
#define PECAN_STRING_H

#include <types.h>

void *memset(void *dst, int value, size_t size);
void *memcpy(void *dst, const void *src, size_t size);
void *memmove(void *dst, const void *src, size_t size);
int memcmp(const void *a, const void *b, size_t size);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

#endif
