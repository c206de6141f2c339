/* SPDX-License-Identifier: MIT */
/*
 * A PL050 KMI (keyboard/mouse interface) and the PS/2 device behind it (kmi.c): registers,
 * commands with their replies, and the bytes the device sends. Register layout and QEMU's
 * replies: shared/docs/platforms.md section 7.
 *
 * Commands are sent and answered by polling, before the receive interrupt is enabled;
 * afterwards the driver only reads bytes (kmi_read), so a command's reply never reaches
 * the decoders.
 */
#ifndef INPUT_DRV_KMI_H
#define INPUT_DRV_KMI_H

#include <stdbool.h>
#include <stdint.h>

struct kmi {
    volatile uint32_t *registers;   /* mapped uncached */
};

/* PS/2 commands and replies. */
#define PS2_RESET 0xFFu
#define PS2_ACK 0xFAu
#define PS2_RESEND 0xFEu
#define PS2_SELF_TEST_PASSED 0xAAu
#define PS2_KEYBOARD_SCAN_CODE_SET 0xF0u     /* then 0 (ask) or the set */
#define PS2_MOUSE_ENABLE_REPORTING 0xF4u
#define PS2_MOUSE_ID_STANDARD 0x00u

/* Enables the interface with interrupts off and drops whatever bytes wait. */
void kmi_start(struct kmi *kmi);
/* Sends one command byte and waits for its ACK (a RESEND is answered by sending again,
 * twice at most): 0, -PECAN_ETIMEDOUT (no reply, or the interface never took the byte)
 * or -PECAN_EINVAL (a reply that is no ACK). */
int kmi_command(struct kmi *kmi, uint8_t command);
/* Waits up to timeout_ms for the next byte the device sends (polling): 0 or
 * -PECAN_ETIMEDOUT. */
int kmi_receive(struct kmi *kmi, uint8_t *byte, uint32_t timeout_ms);

/* The device set-ups (what a predecessor left does not matter: each starts with a reset).
 * 0, or an error with *why saying which step failed. */
int kmi_keyboard_init(struct kmi *kmi, const char **why);   /* reset, scan-code set 2 */
int kmi_mouse_init(struct kmi *kmi, const char **why);      /* reset, reporting on */
/* Turns the receive interrupt on. */
void kmi_enable_receive_interrupt(struct kmi *kmi);
/* One received byte, if one is waiting. */
bool kmi_read(struct kmi *kmi, uint8_t *byte);

/* The kernel clock in milliseconds. */
uint32_t kmi_clock_ms(void);

#endif
