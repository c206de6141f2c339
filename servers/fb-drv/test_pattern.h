/* SPDX-License-Identifier: MIT */
/*
 * The test pattern of fb-drv's screen tests (test_pattern.c): colour bars, a grey ramp, a
 * grid, two lines of text in the console font, a white border and a marker in each
 * corner, all defined by the screen's size and format alone. The host draws the same from
 * the same definition (tests/graphics/test_fb_screen.py, fb_pattern_model) and compares a
 * screendump pixel for pixel; keep the two in step. fb-pattern draws it through the
 * FRAMEBUFFER protocol, fb-drv --pattern into its own frame.
 */
#ifndef FB_DRV_TEST_PATTERN_H
#define FB_DRV_TEST_PATTERN_H

#include <graphics/psf_font.h>
#include <graphics/surface.h>

/* Draws the pattern over the whole surface (at least 64x64 pixels for it to make sense;
 * smaller ones are drawn clipped). */
void test_pattern_draw(const struct surface *surface, const struct psf_font *font);

#endif
