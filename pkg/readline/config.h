/* SPDX-License-Identifier: MIT */
/*
 * GNU readline 8.2's config.h for Pecan (newlib and l4re/), written by hand in place of
 * what its configure script would find: it owns the choice of every HAVE_* readline
 * tests. Each HAVE_* names something the runtime or newlib really provides; what is not
 * here readline does without (docs/runtime.md, "Console input and readline").
 */
#ifndef PECAN_READLINE_CONFIG_H
#define PECAN_READLINE_CONFIG_H

/* newlib's <unistd.h> defines no _POSIX_VERSION, without which readline takes the old
 * sgtty terminal driver (rldefs.h). Pecan's termios (l4re/include/termios.h) is POSIX's. */
#ifndef _POSIX_VERSION
#define _POSIX_VERSION 200112L
#endif

/* Off by default: a serial terminal that does not know bracketed paste would show its
 * ESC [ ? 2004 h as text, and the console gains nothing by it. */
#define BRACKETED_PASTE_DEFAULT 0

/* The termcap library's PC, BC, UP belong to the runtime (l4re/libc/termcap.c), as they
 * do to ncurses; readline only refers to them. */
#define NEED_EXTERN_PC 1

/* What configure's AC_USE_SYSTEM_EXTENSIONS gives: newlib then declares wcwidth,
 * pselect and the rest readline uses. */
#define _GNU_SOURCE 1

#define RETSIGTYPE void
#define VOID_SIGHANDLER 1

/* Functions newlib and the runtime provide. */
#define HAVE_GETTIMEOFDAY 1
#define HAVE_ISASCII 1
#define HAVE_ISXDIGIT 1
#define HAVE_KILL 1
#define HAVE_MEMMOVE 1
#define HAVE_PUTENV 1
/* Both: rl_getc in 8.2 declares its fd_set only when HAVE_PSELECT is set. pselect,
 * sigaction and sigprocmask are the runtime's (l4re/libc/signals.c). */
#define HAVE_PSELECT 1
#define HAVE_SELECT 1
#define HAVE_POSIX_SIGNALS 1
#define HAVE_SETENV 1
#define HAVE_SETLOCALE 1
#define HAVE_STRCASECMP 1
#define HAVE_STRCOLL 1
#define HAVE_STRPBRK 1
#define HAVE_TCGETATTR 1
#define HAVE_VSNPRINTF 1
#define HAVE_TIMEVAL 1

/* Multibyte: newlib has them; in the C locale a character is a byte. */
#define HAVE_ISWCTYPE 1
#define HAVE_ISWLOWER 1
#define HAVE_ISWUPPER 1
#define HAVE_MBRLEN 1
#define HAVE_MBRTOWC 1
#define HAVE_MBSRTOWCS 1
#define HAVE_TOWLOWER 1
#define HAVE_TOWUPPER 1
#define HAVE_WCRTOMB 1
#define HAVE_WCSCOLL 1
#define HAVE_WCTYPE 1
#define HAVE_WCWIDTH 1
#define HAVE_MBSTATE_T 1
#define HAVE_WCHAR_T 1
#define HAVE_WCTYPE_T 1
#define HAVE_WINT_T 1
#define HAVE_LANGINFO_CODESET 1

/* Headers. <termios.h>, <termcap.h> and <sys/dirent.h> are the runtime's (l4re/include). */
#define HAVE_DIRENT_H 1
#define HAVE_STRUCT_DIRENT_D_INO 1
#define HAVE_FCNTL_H 1
#define HAVE_LANGINFO_H 1
#define HAVE_LIMITS_H 1
#define HAVE_LOCALE_H 1
#define HAVE_MEMORY_H 1
#define HAVE_PWD_H 1
#define HAVE_STDARG_H 1
#define HAVE_STDBOOL_H 1
#define HAVE_STDLIB_H 1
#define HAVE_STRING_H 1
#define HAVE_STRINGS_H 1
#define HAVE_SYS_FILE_H 1
#define HAVE_SYS_SELECT_H 1
#define HAVE_SYS_TIME_H 1
#define HAVE_TERMCAP_H 1
#define HAVE_TERMIOS_H 1
#define HAVE_UNISTD_H 1
#define HAVE_WCHAR_H 1
#define HAVE_WCTYPE_H 1

/* Not here, so readline does without: chown, fcntl, fnmatch, the password database
 * (readline takes the home directory from $HOME), lstat, readlink, setitimer, sysconf,
 * ioctl (the screen size comes from $LINES and $COLUMNS, then from termcap). */

#if !defined(HAVE_TERMIOS_H) || !defined(HAVE_TCGETATTR)
#define TERMIOS_MISSING
#endif

#endif
