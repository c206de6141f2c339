/* SPDX-License-Identifier: MIT */
/*
 * Pong in attract mode: the game's state, one frame's step and the drawing of any part of
 * the scene. Portable (no system calls, no allocation) and deterministic: the state after
 * frame n depends only on the field's size and n, so a host model (tests/graphics/
 * test_desktop.py, class Pong) can compute what frame n shows and which rectangles each
 * step changes. All coordinates are whole pixels of the field, (0, 0) its top left.
 *
 * The scene: the field, the net, the rally counter (paddle bounces so far, in the console
 * font, right-aligned just left of the net), the paddles, the ball, and "paused" in the
 * middle while the game is paused, in that order.
 *
 * Invariants after pong_game_start and every pong_game_step: the ball and both paddles lie
 * wholly inside the field, and |ball_dy| <= PONG_SPIN_MAX < PONG_PADDLE_CHASE_SPEED, so
 * the paddle the ball heads for keeps up with it once it has caught up.
 */
#ifndef PONG_GAME_H
#define PONG_GAME_H

#include <stdbool.h>
#include <stdint.h>
#include <graphics/psf_font.h>
#include <graphics/surface.h>

enum {
    PONG_BALL_SIZE = 8,
    PONG_BALL_SPEED_X = 3,            /* pixels per frame */
    PONG_PADDLE_WIDTH = 6,
    PONG_PADDLE_HEIGHT = 40,
    PONG_PADDLE_MARGIN = 12,          /* from the field's side to the paddle */
    PONG_PADDLE_CHASE_SPEED = 5,      /* the paddle the ball heads for */
    PONG_PADDLE_RETURN_SPEED = 1,     /* the other, back to the middle */
    PONG_SPIN_MAX = 3,
    PONG_NET_WIDTH = 2, PONG_NET_DASH = 8, PONG_NET_PERIOD = 16,
    PONG_COUNTER_TOP = 8, PONG_COUNTER_GAP = 8,   /* from the field's top; from the net */
    /* Room for both paddles, the ball between them and a paddle's height with the ball's
     * fastest bounce: anything smaller is refused. */
    PONG_MIN_WIDTH = 2 * (PONG_PADDLE_MARGIN + PONG_PADDLE_WIDTH) + 4 * PONG_BALL_SIZE,
    PONG_MIN_HEIGHT = PONG_PADDLE_HEIGHT + 2 * PONG_BALL_SIZE,
    PONG_MAX_SIZE = 16384,
};

struct pong_rectangle {
    int32_t x, y, width, height;      /* width or height 0: empty */
};

struct pong_game {
    int32_t width, height;            /* the field */
    int32_t ball_x, ball_y;           /* the ball's top left corner */
    int32_t ball_dx, ball_dy;
    int32_t left_y, right_y;          /* the paddles' tops */
    uint32_t frame;                   /* steps since the start */
    uint32_t hits;                    /* bounces off a paddle */
};

/* The objects a step moves, in drawing order after the net and the counter. */
enum { PONG_LEFT_PADDLE, PONG_RIGHT_PADDLE, PONG_BALL, PONG_OBJECTS };

/* How the scene looks: packed pixels of its colours (pixel_format_pack for the surface),
 * the font of the counter and the label, and whether "paused" shows. */
struct pong_look {
    uint32_t field, net, paddle, ball, counter, label;
    const struct psf_font *font;
    bool paused;
};

/* Frame 0 of a field width x height; false if the field is outside PONG_MIN_* and
 * PONG_MAX_SIZE (nothing is written then). */
bool pong_game_start(struct pong_game *game, uint32_t width, uint32_t height);

/* At most what a step damages: the objects and the counter. */
#define PONG_DAMAGE_MAX (PONG_OBJECTS + 1)

/* Frame n + 1. The rectangles that changed go to damage; returns how many: per object
 * that moved, the bounding box of its place before and after; the counter's rectangle
 * (after: it only grows), inside the field, if a bounce changed it. */
unsigned pong_game_step(struct pong_game *game, const struct psf_font *font,
                        struct pong_rectangle damage[PONG_DAMAGE_MAX]);

/* Where an object is now. */
struct pong_rectangle pong_game_object(const struct pong_game *game, unsigned object);
/* Where the counter's digits are now, and where "paused" goes. */
struct pong_rectangle pong_game_counter(const struct pong_game *game, const struct psf_font *font);
struct pong_rectangle pong_game_label(const struct pong_game *game, const struct psf_font *font);

/* Draws the scene's pixels inside clip, and no others (clipped to the field and to the
 * surface, which must be at least the field's size). */
void pong_game_draw(const struct pong_game *game, const struct pong_look *look,
                    const struct surface *surface, struct pong_rectangle clip);

#endif
