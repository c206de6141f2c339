/* SPDX-License-Identifier: MIT */
/*
 * The kernel's printf engine. Output goes to a sink function so the console, string
 * buffers and tests share one implementation. No floating point.
 */
#include <lib/format.h>

struct format_spec {
    bool left_align;
    bool zero_pad;
    int width;
    int precision;      /* -1: none */
    int length;         /* 0: int, 1: long, 2: long long, 3: size_t */
};

struct format_state {
    format_sink_t sink;
    void *context;
    size_t count;
};

static void emit(struct format_state *st, char c)
{
    st->sink(st->context, c);
    st->count++;
}

static void emit_padding(struct format_state *st, int count, char pad)
{
    while (count-- > 0)
        emit(st, pad);
}

static void emit_string(struct format_state *st, const struct format_spec *spec, const char *s)
{
    if (!s)
        s = "(null)";
    int len = 0;
    while (s[len] && (spec->precision < 0 || len < spec->precision))
        len++;
    if (!spec->left_align)
        emit_padding(st, spec->width - len, ' ');
    for (int i = 0; i < len; i++)
        emit(st, s[i]);
    if (spec->left_align)
        emit_padding(st, spec->width - len, ' ');
}

static void emit_number(struct format_state *st, const struct format_spec *spec,
                        unsigned long long value, unsigned base, bool negative, bool upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char buf[24];
    int len = 0;
    do {
        buf[len++] = digits[value % base];
        value /= base;
    } while (value);

    int total = len + (negative ? 1 : 0);
    if (!spec->left_align && !spec->zero_pad)
        emit_padding(st, spec->width - total, ' ');
    if (negative)
        emit(st, '-');
    if (!spec->left_align && spec->zero_pad)
        emit_padding(st, spec->width - total, '0');
    while (len)
        emit(st, buf[--len]);
    if (spec->left_align)
        emit_padding(st, spec->width - total, ' ');
}

static const char *parse_spec(const char *p, struct format_spec *spec, va_list *args)
{
    *spec = (struct format_spec){ .precision = -1 };
    for (;; p++) {
        if (*p == '-')
            spec->left_align = true;
        else if (*p == '0')
            spec->zero_pad = true;
        else
            break;
    }
    if (*p == '*') {
        spec->width = va_arg(*args, int);
        p++;
        if (spec->width < 0) {
            /* As in printf: a negative width is the '-' flag (computed without overflow). */
            spec->left_align = true;
            spec->width = (int)(0u - (unsigned)spec->width);
        }
    }
    while (*p >= '0' && *p <= '9')
        spec->width = spec->width * 10 + (*p++ - '0');
    if (*p == '.') {
        spec->precision = 0;
        p++;
        if (*p == '*') {
            spec->precision = va_arg(*args, int);
            p++;
        }
        while (*p >= '0' && *p <= '9')
            spec->precision = spec->precision * 10 + (*p++ - '0');
    }
    if (*p == 'z') {
        spec->length = 3;
        p++;
    }
    while (*p == 'l' && spec->length < 2) {
        spec->length++;
        p++;
    }
    return p;
}

static unsigned long long fetch_unsigned(const struct format_spec *spec, va_list *args)
{
    switch (spec->length) {
    case 1: return va_arg(*args, unsigned long);
    case 2: return va_arg(*args, unsigned long long);
    case 3: return va_arg(*args, size_t);
    default: return va_arg(*args, unsigned int);
    }
}

static long long fetch_signed(const struct format_spec *spec, va_list *args)
{
    switch (spec->length) {
    case 1: return va_arg(*args, long);
    case 2: return va_arg(*args, long long);
    case 3: return (long long)va_arg(*args, size_t);
    default: return va_arg(*args, int);
    }
}

static void emit_conversion(struct format_state *st, struct format_spec *spec, char conv,
                            va_list *args)
{
    switch (conv) {
    case 'd':
    case 'i': {
        long long v = fetch_signed(spec, args);
        unsigned long long magnitude = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
        emit_number(st, spec, magnitude, 10, v < 0, false);
        break;
    }
    case 'u': emit_number(st, spec, fetch_unsigned(spec, args), 10, false, false); break;
    case 'x': emit_number(st, spec, fetch_unsigned(spec, args), 16, false, false); break;
    case 'X': emit_number(st, spec, fetch_unsigned(spec, args), 16, false, true); break;
    case 'o': emit_number(st, spec, fetch_unsigned(spec, args), 8, false, false); break;
    case 'p':
        spec->zero_pad = true;
        spec->width = 2 * (int)sizeof(void *);
        emit_number(st, spec, (uintptr_t)va_arg(*args, void *), 16, false, false);
        break;
    case 'c': {
        char c[2] = { (char)va_arg(*args, int), 0 };
        emit_string(st, spec, c);
        break;
    }
    case 's': emit_string(st, spec, va_arg(*args, const char *)); break;
    case '%': emit(st, '%'); break;
    default:
        /* Unknown conversion: show it literally so the mistake is visible. */
        emit(st, '%');
        if (conv)
            emit(st, conv);
        break;
    }
}

size_t format_va(format_sink_t sink, void *context, const char *fmt, va_list args)
{
    struct format_state st = { sink, context, 0 };
    va_list ap;
    va_copy(ap, args);
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            emit(&st, *p);
            continue;
        }
        struct format_spec spec;
        p = parse_spec(p + 1, &spec, &ap);
        emit_conversion(&st, &spec, *p, &ap);
        if (!*p)
            break;
    }
    va_end(ap);
    return st.count;
}

struct string_sink {
    char *buffer;
    size_t size;
    size_t used;
};

static void string_sink_put(void *context, char c)
{
    struct string_sink *s = context;
    if (s->used + 1 < s->size)
        s->buffer[s->used] = c;
    s->used++;
}

size_t format_string_va(char *buffer, size_t size, const char *fmt, va_list args)
{
    struct string_sink s = { buffer, size, 0 };
    size_t n = format_va(string_sink_put, &s, fmt, args);
    if (size)
        buffer[s.used < size ? s.used : size - 1] = '\0';
    return n;
}

size_t format_string(char *buffer, size_t size, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    size_t n = format_string_va(buffer, size, fmt, args);
    va_end(args);
    return n;
}
