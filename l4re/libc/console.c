/* SPDX-License-Identifier: MIT */
/*
 * Descriptors 0-2: the console, the program's log capability (PECAN_ENV_LOG), which
 * speaks the LOG protocol with input (pecan/protocol/console.h). termios lives here:
 * reads go through the line discipline (line_discipline.c) with the attributes the
 * console keeps (GET_ATTR at the start, SET_ATTR from tcsetattr; the control characters
 * c_cc stay in the runtime), writes get OPOST/ONLCR, and select() waits for the console.
 *
 * Input: every read or select first BINDs the calling thread's park notification
 * (pecan/thread.h) to the console (once per thread that reads: the console keeps one;
 * at moe the first BIND also takes the input focus), takes what the console holds (READ,
 * never blocking) into the line discipline and, when that is not enough, blocks on it; a timed wait is the
 * thread library's (pecan_thread_park_timed), so a thread that serves IPC can wait too.
 * Bits stay set until taken, so READ until nothing comes, then wait, misses nothing. A
 * console that refuses READ (-PECAN_EPERM: a log without input) reads as end of file.
 *
 * Memory: a program that only writes keeps the attributes alone (a few words of static
 * data); the line discipline and its buffers are allocated by the first read or select, so
 * a program that has used up its quota can still print.
 *
 * Locks: `reading` serialises readers and the attributes; `writing` keeps one write
 * together and orders echo with other output. A reader may take `writing` (echo) while
 * holding `reading`, never the other way round. A signal character (ISIG) is raised once
 * `reading` is let go, and the read then fails with EINTR.
 *
 * Window size: BIND also gives the console RESIZE_BIT (w2), which a terminal signals
 * when its window is resized. A wait in read or select that takes it, while the program
 * catches SIGWINCH (readline does, while it reads a line), raises SIGWINCH once `reading`
 * is let go, and the read or select fails with EINTR, as a Unix terminal interrupts it;
 * readline then asks TIOCGWINSZ (ioctl.c) and redraws its line. With SIGWINCH at SIG_DFL
 * or SIG_IGN the wait goes on. The thread library signals a console's bits again when a
 * wait of its own took them (pecan/thread.h), so none is lost to a mutex.
 *
 * Invariants: started before the attributes are used; the attributes here and the line
 * discipline's (once it exists) are the same; bound_park is the park notification the
 * console signals (0: none bound yet).
 */
#include <errno.h>
#include <pecan/log.h>
#include <pecan/runtime.h>
#include <pecan/sync.h>
#include <pecan/sys.h>
#include <pecan/thread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <termios.h>
#include "libc_internal.h"
#include "line_discipline.h"

#define CONSOLE_BIT 0x2u           /* the park notification's bit for console input */
#define RESIZE_BIT 0x4u            /* ... and for a new size (BIND's w2: a terminal) */
#define ECHO_BUFFER 128u
#define NO_LIMIT UINT64_MAX
#define TICK_US 10000u

/* What reading needs: made by the first read or select. */
struct console_input {
    struct line_discipline ld;
    char echo[ECHO_BUFFER];
    unsigned echo_length;
};

static struct {
    struct pecan_mutex reading, writing;
    bool started;                  /* the attributes were asked for (under writing) */
    bool no_input;                 /* READ answered EPERM (or failed): end of file */
    pecan_cap_t bound_park;
    int pending_signal;            /* typed (ISIG): raised by the read that saw it */
    bool resized;                  /* a wait took RESIZE_BIT: SIGWINCH, if caught */
    tcflag_t iflag, oflag, lflag;  /* the attributes (oflag read by writers unlocked) */
    cc_t cc[NCCS];
    struct console_input *input;
} console = {
    /* Initialised data, not zeroed: its page is there from the program's start, so a
     * program that has used up its quota before its first write can still print. */
    .reading = PECAN_MUTEX_INIT, .writing = PECAN_MUTEX_INIT,
    .iflag = PECAN_CONSOLE_DEFAULT_INPUT, .oflag = PECAN_CONSOLE_DEFAULT_OUTPUT,
    .lflag = PECAN_CONSOLE_DEFAULT_LOCAL, .cc = LINE_DISCIPLINE_DEFAULT_CHARACTERS,
};

/* ---- output ---- */

/* Writes with output processing; the caller holds `writing`. */
static int write_processed(const char *bytes, unsigned length)
{
    char out[128];
    tcflag_t oflag = __atomic_load_n(&console.oflag, __ATOMIC_RELAXED);
    while (length) {
        unsigned used;
        unsigned made = line_discipline_output(oflag, bytes, length, out, sizeof(out), &used);
        int err = pecan_log_write(PECAN_ENV_LOG, out, made);
        if (err)
            return err;
        bytes += used;
        length -= used;
    }
    return 0;
}

static void flush_echo(struct console_input *in)
{
    if (!in->echo_length)
        return;
    pecan_mutex_lock(&console.writing);
    write_processed(in->echo, in->echo_length);
    pecan_mutex_unlock(&console.writing);
    in->echo_length = 0;
}

static void echo_collect(void *context, const char *bytes, unsigned length)
{
    struct console_input *in = context;
    while (length) {
        if (in->echo_length == ECHO_BUFFER)
            flush_echo(in);
        unsigned room = ECHO_BUFFER - in->echo_length;
        unsigned n = length < room ? length : room;
        memcpy(in->echo + in->echo_length, bytes, n);
        in->echo_length += n;
        bytes += n;
        length -= n;
    }
}

/* Takes the console's attributes once; the caller holds `writing`. A console that does
 * not answer GET_ATTR gets the defaults. */
static void start_locked(void)
{
    if (console.started)
        return;
    pecan_word_t flags[3] = { PECAN_CONSOLE_DEFAULT_INPUT, PECAN_CONSOLE_DEFAULT_OUTPUT,
                              PECAN_CONSOLE_DEFAULT_LOCAL };
    if (pecan_log_get_attr(PECAN_ENV_LOG, flags) != 0) {
        flags[0] = PECAN_CONSOLE_DEFAULT_INPUT;
        flags[1] = PECAN_CONSOLE_DEFAULT_OUTPUT;
        flags[2] = PECAN_CONSOLE_DEFAULT_LOCAL;
    }
    console.iflag = flags[0] & PECAN_CONSOLE_INPUT_FLAGS;
    console.oflag = flags[1] & PECAN_CONSOLE_OUTPUT_FLAGS;
    console.lflag = flags[2] & PECAN_CONSOLE_LOCAL_FLAGS;
    __atomic_store_n(&console.started, true, __ATOMIC_RELEASE);
}

static void start(void)
{
    if (__atomic_load_n(&console.started, __ATOMIC_ACQUIRE))
        return;
    pecan_mutex_lock(&console.writing);
    start_locked();
    pecan_mutex_unlock(&console.writing);
}

int libc_console_write(const void *buffer, size_t count)
{
    pecan_mutex_lock(&console.writing);
    start_locked();
    int err = write_processed(buffer, (unsigned)count);
    pecan_mutex_unlock(&console.writing);
    if (err)
        return libc_fail(err);
    return (int)count;
}

/* ---- input (the caller holds `reading`) ---- */

/* The line discipline, made on first use: false if there is no memory for it. */
static bool have_input(void)
{
    if (console.input)
        return true;
    struct console_input *in = malloc(sizeof(*in));
    if (!in)
        return false;
    in->echo_length = 0;
    line_discipline_init(&in->ld, console.iflag, console.oflag, console.lflag, console.cc,
                         echo_collect, in);
    console.input = in;
    return true;
}

/* Moves what the console holds into the line discipline and echoes it. */
static void fetch(void)
{
    struct line_discipline *ld = &console.input->ld;
    while (!console.no_input) {
        char bytes[PECAN_LOG_READ_MAX];
        unsigned got = 0;
        int err = pecan_log_read(PECAN_ENV_LOG, bytes, sizeof(bytes), &got, 0);
        if (err) {
            console.no_input = true;   /* EPERM: a log without input; else a dead console */
            break;
        }
        if (!got)
            break;
        for (unsigned i = 0; i < got; i++) {
            int sig = line_discipline_receive(ld, bytes[i]);
            if (sig && !console.pending_signal)
                console.pending_signal = sig;
        }
    }
    flush_echo(console.input);
}

/* The console signals the calling thread's park notification from now on. */
static bool bind_to_self(struct pecan_thread *self)
{
    if (console.no_input)
        return false;   /* a console without input refuses BIND too */
    if (pecan_thread_park_prepare(self) != 0)
        return false;
    if (console.bound_park == self->park)
        return true;
    if (pecan_log_bind_resize(PECAN_ENV_LOG, self->park, CONSOLE_BIT, RESIZE_BIT) != 0)
        return false;
    console.bound_park = self->park;
    return true;
}

void pecan_console_take_back(void)
{
    console.bound_park = 0;
}

static uint64_t deadline_after_ms(uint64_t ms)
{
    return ms == NO_LIMIT ? NO_LIMIT : pecan_sync_clock_ms() + ms;
}

/* A wait took bits: a new size is SIGWINCH's to tell, if the program catches it (with
 * SIG_DFL or SIG_IGN it changes nothing visible: the wait goes on). */
static void woke_with(pecan_word_t bits)
{
    if ((bits & RESIZE_BIT) && libc_signal_caught(SIGWINCH))
        console.resized = true;
}

/* Waits for the console to signal, at most until deadline (ms on pecan_sync_clock_ms):
 * false once the deadline has passed. Wake-ups may be spurious. */
static bool wait_for_input(uint64_t deadline)
{
    uint64_t now = pecan_sync_clock_ms();
    if (deadline != NO_LIMIT && now >= deadline)
        return false;
    struct pecan_thread *self = pecan_thread_self();
    if (!bind_to_self(self)) {
        pecan_sleep_us(TICK_US);   /* cannot be told: look again after a tick */
        return true;
    }
    pecan_word_t bits = 0;
    if (deadline == NO_LIMIT) {
        if (pecan_notification_wait(self->park, &bits))
            pecan_sleep_us(TICK_US);
    } else {
        uint64_t left = deadline - now;
        pecan_thread_park_timed(self, left > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)left, &bits);
    }
    woke_with(bits);
    return true;
}

/* A signal for the reader: a typed one (ISIG) or a new size (SIGWINCH caught). */
static bool signal_waiting(void)
{
    return console.pending_signal || console.resized;
}

static bool cooked(void)
{
    return (console.lflag & ICANON) != 0;
}

static int read_cooked(char *buffer, unsigned count)
{
    struct line_discipline *ld = &console.input->ld;
    for (;;) {
        fetch();
        if (signal_waiting())
            return -1;
        if (console.no_input || line_discipline_readable(ld))
            return (int)line_discipline_take(ld, buffer, count);
        wait_for_input(NO_LIMIT);
    }
}

/* VMIN and VTIME as POSIX has them: at least VMIN bytes (VMIN 0: what is there), VTIME
 * tenths of a second for the first byte when VMIN is 0, between bytes when it is not. */
static int read_raw(char *buffer, unsigned count)
{
    struct line_discipline *ld = &console.input->ld;
    unsigned least = console.cc[VMIN], tenths = console.cc[VTIME];
    if (least > count)
        least = count;
    uint64_t wait_ms = tenths ? (uint64_t)tenths * 100 : NO_LIMIT;
    uint64_t deadline = least == 0 ? deadline_after_ms(tenths ? wait_ms : 0) : NO_LIMIT;
    unsigned got = 0;
    for (;;) {
        fetch();
        if (signal_waiting())
            return got ? (int)got : -1;
        got += line_discipline_take(ld, buffer + got, count - got);
        if (console.no_input || got >= count || (least && got >= least) || (!least && got))
            return (int)got;
        if (!wait_for_input(deadline))
            return (int)got;
        if (got && tenths)
            deadline = deadline_after_ms(wait_ms);   /* the timer between bytes restarts */
    }
}

/* A signal character was typed, or the size changed: raise the signals (the lock let
 * go) and fail with EINTR. */
static int deliver_signal(void)
{
    int sig = console.pending_signal;
    bool resized = console.resized;
    console.pending_signal = 0;
    console.resized = false;
    pecan_mutex_unlock(&console.reading);
    if (sig)
        raise(sig);
    if (resized)
        raise(SIGWINCH);
    libc_set_errno(EINTR);
    return -1;
}

int libc_console_read(void *buffer, size_t count)
{
    if (count == 0)
        return 0;
    if (count > 0x7FFFFFFF)
        count = 0x7FFFFFFF;
    start();
    pecan_mutex_lock(&console.reading);
    bind_to_self(pecan_thread_self());
    if (!have_input()) {
        pecan_mutex_unlock(&console.reading);
        libc_set_errno(ENOMEM);
        return -1;
    }
    int n = cooked() ? read_cooked(buffer, (unsigned)count) : read_raw(buffer, (unsigned)count);
    if (signal_waiting() && n <= 0)
        return deliver_signal();
    pecan_mutex_unlock(&console.reading);
    return n;
}

/* Can read(0) return at once? A console without input is at end of file: readable; so
 * is one we have no memory to read with (read() then says ENOMEM). */
static bool input_ready(void)
{
    start();
    pecan_mutex_lock(&console.reading);
    bind_to_self(pecan_thread_self());
    if (!have_input()) {
        pecan_mutex_unlock(&console.reading);
        return true;
    }
    fetch();
    bool ready = console.no_input || signal_waiting() ||
                 line_discipline_readable(&console.input->ld);
    pecan_mutex_unlock(&console.reading);
    return ready;
}

/* ---- termios ---- */

static int check_console(int fd)
{
    if (fd >= 0 && fd <= 2)
        return 0;
    libc_set_errno(libc_file_valid(fd) ? ENOTTY : EBADF);
    return -1;
}

int tcgetattr(int fd, struct termios *t)
{
    if (check_console(fd))
        return -1;
    if (!t) {
        libc_set_errno(EINVAL);
        return -1;
    }
    start();
    pecan_mutex_lock(&console.reading);
    memset(t, 0, sizeof(*t));
    t->c_iflag = console.iflag;
    t->c_oflag = console.oflag;
    t->c_cflag = CS8 | CREAD | CLOCAL;
    t->c_lflag = console.lflag;
    memcpy(t->c_cc, console.cc, sizeof(t->c_cc));
    t->c_ispeed = t->c_ospeed = B115200;
    pecan_mutex_unlock(&console.reading);
    return 0;
}

int tcsetattr(int fd, int action, const struct termios *t)
{
    if (check_console(fd))
        return -1;
    if (!t || (action != TCSANOW && action != TCSADRAIN && action != TCSAFLUSH)) {
        libc_set_errno(EINVAL);
        return -1;
    }
    pecan_word_t flags[3] = { t->c_iflag & PECAN_CONSOLE_INPUT_FLAGS,
                              t->c_oflag & PECAN_CONSOLE_OUTPUT_FLAGS,
                              t->c_lflag & PECAN_CONSOLE_LOCAL_FLAGS };
    start();
    pecan_mutex_lock(&console.reading);
    /* A console without input keeps no attributes for us (EPERM): this program's runtime
     * applies them all the same. */
    int err = pecan_log_set_attr(PECAN_ENV_LOG, flags);
    if (err && err != -PECAN_EPERM) {
        pecan_mutex_unlock(&console.reading);
        return libc_fail(err);
    }
    if (action == TCSAFLUSH && console.input) {
        fetch();
        line_discipline_flush(&console.input->ld);
    }
    console.iflag = flags[0];
    __atomic_store_n(&console.oflag, flags[1], __ATOMIC_RELAXED);
    console.lflag = flags[2];
    memcpy(console.cc, t->c_cc, sizeof(console.cc));
    if (console.input)
        line_discipline_set(&console.input->ld, flags[0], flags[1], flags[2], t->c_cc);
    pecan_mutex_unlock(&console.reading);
    return 0;
}

int tcflush(int fd, int queue)
{
    if (check_console(fd))
        return -1;
    if (queue != TCIFLUSH && queue != TCOFLUSH && queue != TCIOFLUSH) {
        libc_set_errno(EINVAL);
        return -1;
    }
    if (queue == TCOFLUSH)
        return 0;   /* output is written at once: nothing waits */
    start();
    pecan_mutex_lock(&console.reading);
    if (console.input) {
        fetch();
        line_discipline_flush(&console.input->ld);
    }
    pecan_mutex_unlock(&console.reading);
    return 0;
}

int tcdrain(int fd)
{
    return check_console(fd);   /* writes are done when they return */
}

int tcflow(int fd, int action)
{
    if (check_console(fd))
        return -1;
    if (action < TCOOFF || action > TCION) {
        libc_set_errno(EINVAL);
        return -1;
    }
    return 0;   /* no flow control on a console */
}

int tcsendbreak(int fd, int duration)
{
    (void)duration;
    return check_console(fd);
}

speed_t cfgetospeed(const struct termios *t) { return t->c_ospeed; }
speed_t cfgetispeed(const struct termios *t) { return t->c_ispeed; }

int cfsetospeed(struct termios *t, speed_t speed)
{
    t->c_ospeed = speed;
    return 0;
}

int cfsetispeed(struct termios *t, speed_t speed)
{
    t->c_ispeed = speed;
    return 0;
}

int pecan_console_window_size(int fd, unsigned *rows, unsigned *columns)
{
    if (check_console(fd))
        return -1;
    unsigned r = 0, c = 0;
    int err = pecan_log_window_size(PECAN_ENV_LOG, &r, &c);
    if (err)
        return libc_fail(err);
    if (rows)
        *rows = r;
    if (columns)
        *columns = c;
    return 0;
}

/* ---- select ---- */

static bool valid_descriptor(int fd)
{
    return (fd >= 0 && fd <= 2) || libc_file_valid(fd);
}

static bool check_set(int nfds, const fd_set *set)
{
    for (int fd = 0; set && fd < nfds; fd++)
        if (FD_ISSET(fd, set) && !valid_descriptor(fd))
            return false;
    return true;
}

/* Marks what is ready now in the caller's sets (copies in/out): the count. */
static int ready_now(int nfds, const fd_set *in_read, const fd_set *in_write, fd_set *out_read,
                     fd_set *out_write)
{
    int count = 0;
    FD_ZERO(out_read);
    FD_ZERO(out_write);
    for (int fd = 0; fd < nfds; fd++) {
        if (in_read && FD_ISSET(fd, in_read) && (fd != 0 || input_ready())) {
            FD_SET(fd, out_read);
            count++;
        }
        if (in_write && FD_ISSET(fd, in_write)) {   /* writes never wait */
            FD_SET(fd, out_write);
            count++;
        }
    }
    return count;
}

static void sleep_until(uint64_t deadline)
{
    for (;;) {
        uint64_t now = pecan_sync_clock_ms();
        if (deadline != NO_LIMIT && now >= deadline)
            return;
        uint64_t left = deadline == NO_LIMIT ? 1000 : deadline - now;
        pecan_sleep_us(left > 1000 ? 1000000u : (uint32_t)left * 1000);
    }
}

static uint64_t timeout_ms(const struct timeval *timeout)
{
    if (!timeout)
        return NO_LIMIT;
    return (uint64_t)timeout->tv_sec * 1000 + ((uint64_t)timeout->tv_usec + 999) / 1000;
}

int select(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds,
           struct timeval *timeout)
{
    if (nfds < 0 || nfds > FD_SETSIZE ||
        (timeout && (timeout->tv_sec < 0 || timeout->tv_usec < 0 ||
                     timeout->tv_usec >= 1000000))) {
        libc_set_errno(EINVAL);
        return -1;
    }
    if (!check_set(nfds, readfds) || !check_set(nfds, writefds) ||
        !check_set(nfds, exceptfds)) {
        libc_set_errno(EBADF);
        return -1;
    }
    uint64_t deadline = deadline_after_ms(timeout_ms(timeout));
    bool watch_console = readfds && nfds > 0 && FD_ISSET(0, readfds);
    fd_set r, w;
    int count;
    for (;;) {
        count = ready_now(nfds, readfds, writefds, &r, &w);
        if (count || !watch_console)
            break;
        pecan_mutex_lock(&console.reading);
        bool waited = wait_for_input(deadline);
        if (console.resized)
            return deliver_signal();   /* lets `reading` go */
        pecan_mutex_unlock(&console.reading);
        if (!waited)
            break;
    }
    if (!count && !watch_console)
        sleep_until(deadline);   /* nothing can become ready: select as a sleep */
    if (readfds)
        *readfds = r;
    if (writefds)
        *writefds = w;
    if (exceptfds)
        FD_ZERO(exceptfds);   /* a console has no exceptional conditions */
    return count;
}
