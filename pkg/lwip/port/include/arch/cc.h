/*
 * lwIP compiler/platform abstraction for Pecan (ARMv6, ARM mode, little endian, newlib).
 *
 * Included by lwip/arch.h only. Everything here compiles freestanding against newlib's
 * headers; printf/abort/rand resolve in newlib, whose syscalls the Pecan runtime provides.
 */
#ifndef PECAN_LWIP_ARCH_CC_H
#define PECAN_LWIP_ARCH_CC_H

/*
 * Byte order. lwip/arch.h defines LITTLE_ENDIAN/BIG_ENDIAN as plain numbers before it
 * includes this file, while newlib's <machine/endian.h> (also pulled in by <stdio.h> through
 * <sys/types.h>) defines them unguarded as _LITTLE_ENDIAN/_BIG_ENDIAN. Drop lwIP's and use
 * newlib's spelling, so any later definition is identical and nothing warns "redefined".
 */
#undef LITTLE_ENDIAN
#undef BIG_ENDIAN
#include <machine/endian.h>
#include <stdio.h>
#include <stdlib.h>
#ifndef LITTLE_ENDIAN
#define LITTLE_ENDIAN _LITTLE_ENDIAN
#define BIG_ENDIAN    _BIG_ENDIAN
#endif
#ifndef BYTE_ORDER
#define BYTE_ORDER    _BYTE_ORDER
#endif
#if _BYTE_ORDER != _LITTLE_ENDIAN
#error "Pecan's lwIP port assumes a little-endian target"
#endif

/* errno values and the errno variable come from newlib. */
#define LWIP_ERRNO_STDINCLUDE 1

/* Diagnostics go to the client's stdout (its log); a failed assertion ends the client. */
#define LWIP_PLATFORM_DIAG(x) do { printf x; } while (0)
#define LWIP_PLATFORM_ASSERT(x)                                                  \
    do {                                                                         \
        printf("lwip: assertion \"%s\" failed at %s:%d\n", x, __FILE__, __LINE__); \
        abort();                                                                 \
    } while (0)

/*
 * Random numbers for initial ports, DHCP transaction ids and DNS ids. newlib's rand() is
 * predictable; good enough for QEMU user networking, to be replaced by a runtime source.
 */
#define LWIP_RAND() ((u32_t)rand())

#endif /* PECAN_LWIP_ARCH_CC_H */
