/* SPDX-License-Identifier: MIT */
/* Looking up options on the kernel command line ("word word=value ..."). */
#include <lib/cmdline.h>
#include <lib/string.h>

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n';
}

/* Finds option name; returns a pointer to the character after the name, or NULL. */
static const char *find_option(const char *cmdline, const char *name)
{
    size_t name_len = strlen(name);
    const char *p = cmdline;
    while (p && *p) {
        while (is_space(*p))
            p++;
        const char *word = p;
        while (*p && !is_space(*p))
            p++;
        size_t key_len = 0;
        while (word + key_len < p && word[key_len] != '=')
            key_len++;
        if (key_len == name_len && name_len && strncmp(word, name, name_len) == 0)
            return word + key_len;
    }
    return NULL;
}

bool cmdline_get(const char *cmdline, const char *name, char *out, size_t out_size)
{
    const char *after = find_option(cmdline, name);
    if (!after)
        return false;
    if (*after == '=')
        after++;
    size_t n = 0;
    while (after[n] && !is_space(after[n]))
        n++;
    if (out_size) {
        size_t copy = n < out_size - 1 ? n : out_size - 1;
        memcpy(out, after, copy);
        out[copy] = '\0';
    }
    return true;
}

bool cmdline_has(const char *cmdline, const char *name)
{
    return find_option(cmdline, name) != NULL;
}
