/* SPDX-License-Identifier: MIT */
/*
 * The PL050 KMI and its PS/2 device (kmi.h). Waits poll the status register and sleep a
 * tick between looks; QEMU answers at once, a real keyboard's self-test takes up to about
 * half a second, hence the reset's long timeout.
 */
#include <pecan/errors.h>
#include <pecan/kip.h>
#include <pecan/sys.h>
#include "kmi.h"

/* Registers (word offsets) and bits. */
enum { CR = 0x00 / 4, STAT = 0x04 / 4, DATA = 0x08 / 4, CLKDIV = 0x0C / 4 };
#define CR_ENABLE 0x04u
#define CR_RECEIVE_INTERRUPT 0x10u
#define STAT_RECEIVE_FULL 0x10u
#define STAT_TRANSMIT_EMPTY 0x40u
/* KMIREFCLK is 24 MHz on the RealView boards; the interface wants 8 MHz: divide by 1 + 2. */
#define CLOCK_DIVISOR 2u

#define REPLY_MS 100u
#define SELF_TEST_MS 1000u
#define RESEND_TRIES 3u
#define DRAIN_MAX 64u
/* Bytes that are no reply (a key pressed, a mouse still reporting for a driver before
 * us) passed over while waiting for one. */
#define SKIP_MAX 32u
#define PS2_SELF_TEST_FAILED 0xFCu

uint32_t kmi_clock_ms(void)
{
    uint64_t ns = pecan_kip_clock_ns((const volatile struct pecan_kip *)PECAN_KIP_ADDRESS);
    return (uint32_t)(ns / 1000000u);
}

bool kmi_read(struct kmi *kmi, uint8_t *byte)
{
    if (!(kmi->registers[STAT] & STAT_RECEIVE_FULL))
        return false;
    *byte = (uint8_t)kmi->registers[DATA];
    return true;
}

void kmi_start(struct kmi *kmi)
{
    kmi->registers[CR] = 0;
    kmi->registers[CLKDIV] = CLOCK_DIVISOR;
    kmi->registers[CR] = CR_ENABLE;
    uint8_t byte;
    for (unsigned i = 0; i < DRAIN_MAX && kmi_read(kmi, &byte); i++)
        ;
}

void kmi_enable_receive_interrupt(struct kmi *kmi)
{
    kmi->registers[CR] = CR_ENABLE | CR_RECEIVE_INTERRUPT;
}

/* Polls until the status has bit, or timeout_ms passed. */
static bool wait_for(struct kmi *kmi, uint32_t bit, uint32_t timeout_ms)
{
    uint32_t start = kmi_clock_ms();
    while (!(kmi->registers[STAT] & bit)) {
        if (kmi_clock_ms() - start > timeout_ms)
            return false;
        pecan_sleep_us(1000);
    }
    return true;
}

int kmi_receive(struct kmi *kmi, uint8_t *byte, uint32_t timeout_ms)
{
    if (!wait_for(kmi, STAT_RECEIVE_FULL, timeout_ms))
        return -PECAN_ETIMEDOUT;
    *byte = (uint8_t)kmi->registers[DATA];
    return 0;
}

/* The next byte that is one of two replies (others are passed over): 0, -PECAN_ETIMEDOUT
 * or -PECAN_EINVAL (only other bytes came). */
static int receive_reply(struct kmi *kmi, uint8_t first, uint8_t second, uint32_t timeout_ms,
                         uint8_t *reply)
{
    for (unsigned skipped = 0; skipped < SKIP_MAX; skipped++) {
        int err = kmi_receive(kmi, reply, timeout_ms);
        if (err || *reply == first || *reply == second)
            return err;
    }
    return -PECAN_EINVAL;
}

int kmi_command(struct kmi *kmi, uint8_t command)
{
    for (unsigned attempt = 0; attempt < RESEND_TRIES; attempt++) {
        if (!wait_for(kmi, STAT_TRANSMIT_EMPTY, REPLY_MS))
            return -PECAN_ETIMEDOUT;
        kmi->registers[DATA] = command;
        uint8_t reply;
        int err = receive_reply(kmi, PS2_ACK, PS2_RESEND, REPLY_MS, &reply);
        if (err || reply == PS2_ACK)
            return err;
    }
    return -PECAN_EINVAL;
}

/* Reset: ACK, then the self-test's result. */
static int reset(struct kmi *kmi, const char **why)
{
    uint8_t result;
    int err = kmi_command(kmi, PS2_RESET);
    if (err) {
        *why = "no answer to reset";
        return err;
    }
    err = receive_reply(kmi, PS2_SELF_TEST_PASSED, PS2_SELF_TEST_FAILED, SELF_TEST_MS, &result);
    if (err == -PECAN_EINVAL || (!err && result != PS2_SELF_TEST_PASSED)) {
        *why = "self-test failed";
        return -PECAN_EINVAL;
    }
    if (err)
        *why = "no self-test result";
    return err;
}

int kmi_keyboard_init(struct kmi *kmi, const char **why)
{
    kmi_start(kmi);
    int err = reset(kmi, why);
    if (err)
        return err;
    /* Which scan-code set: F0 00 answers ACK, ACK and the set. A keyboard left in another
     * set by someone else is put back into set 2, which the decoder speaks. */
    uint8_t set = 0;
    if ((err = kmi_command(kmi, PS2_KEYBOARD_SCAN_CODE_SET)) == 0 &&
        (err = kmi_command(kmi, 0)) == 0)
        err = kmi_receive(kmi, &set, REPLY_MS);
    if (err) {
        *why = "no answer about the scan-code set";
        return err;
    }
    if (set == 2)
        return 0;
    if ((err = kmi_command(kmi, PS2_KEYBOARD_SCAN_CODE_SET)) != 0 ||
        (err = kmi_command(kmi, 2)) != 0)
        *why = "scan-code set 2 refused";
    return err;
}

int kmi_mouse_init(struct kmi *kmi, const char **why)
{
    kmi_start(kmi);
    int err = reset(kmi, why);
    if (err)
        return err;
    uint8_t id;
    if ((err = kmi_receive(kmi, &id, REPLY_MS)) != 0) {
        *why = "no device id after reset";
        return err;
    }
    if (id != PS2_MOUSE_ID_STANDARD) {
        *why = "not a standard mouse";
        return -PECAN_EINVAL;
    }
    if ((err = kmi_command(kmi, PS2_MOUSE_ENABLE_REPORTING)) != 0)
        *why = "reporting not enabled";
    return err;
}
