/* SPDX-License-Identifier: MIT */
/*
 * Pong in attract mode (pong_game.h): the ball bounces off the walls and the paddles, and
 * each paddle bounce gives it the next vertical speed of a fixed cycle, so the rallies
 * vary. Nobody loses: the paddle the ball heads for chases it, the other drifts back to
 * the middle. Integer arithmetic only, so the host model reproduces every frame exactly.
 * Drawing goes through a surface cut down to the clip rectangle, so no pixel outside it
 * changes: a redraw of one damaged rectangle cannot spoil what is shown around it.
 */
#include <stdio.h>
#include "pong_game.h"

#define PAUSED_TEXT "paused"

/* Vertical speeds after successive paddle bounces (by hits modulo the length). */
static const int32_t spin[] = { 2, 3, 1, 3, 2 };
#define SPIN_COUNT ((uint32_t)(sizeof spin / sizeof spin[0]))

static int32_t middle(const struct pong_game *game)
{
    return (game->height - PONG_PADDLE_HEIGHT) / 2;
}

bool pong_game_start(struct pong_game *game, uint32_t width, uint32_t height)
{
    if (width < PONG_MIN_WIDTH || height < PONG_MIN_HEIGHT || width > PONG_MAX_SIZE ||
        height > PONG_MAX_SIZE)
        return false;
    *game = (struct pong_game){
        .width = (int32_t)width, .height = (int32_t)height,
        .ball_x = (int32_t)width / 2 - PONG_BALL_SIZE / 2, .ball_y = (int32_t)height / 3,
        .ball_dx = PONG_BALL_SPEED_X, .ball_dy = spin[0],
    };
    game->left_y = game->right_y = middle(game);
    return true;
}

struct pong_rectangle pong_game_object(const struct pong_game *game, unsigned object)
{
    switch (object) {
    case PONG_LEFT_PADDLE:
        return (struct pong_rectangle){ PONG_PADDLE_MARGIN, game->left_y, PONG_PADDLE_WIDTH,
                                        PONG_PADDLE_HEIGHT };
    case PONG_RIGHT_PADDLE:
        return (struct pong_rectangle){ game->width - PONG_PADDLE_MARGIN - PONG_PADDLE_WIDTH,
                                        game->right_y, PONG_PADDLE_WIDTH, PONG_PADDLE_HEIGHT };
    case PONG_BALL:
        return (struct pong_rectangle){ game->ball_x, game->ball_y, PONG_BALL_SIZE,
                                        PONG_BALL_SIZE };
    default:
        return (struct pong_rectangle){ 0, 0, 0, 0 };
    }
}

static void bounce_off_paddle(struct pong_game *game)
{
    game->ball_dx = -game->ball_dx;
    game->hits++;
    int32_t speed = spin[game->hits % SPIN_COUNT];
    game->ball_dy = game->ball_dy < 0 ? -speed : speed;
}

/* The ball moves, and reflects off a wall or a paddle's face as a mirror would. */
static void move_ball(struct pong_game *game)
{
    int32_t lowest = game->height - PONG_BALL_SIZE;
    int32_t left_face = PONG_PADDLE_MARGIN + PONG_PADDLE_WIDTH;
    int32_t right_face = game->width - PONG_PADDLE_MARGIN - PONG_PADDLE_WIDTH - PONG_BALL_SIZE;
    game->ball_x += game->ball_dx;
    game->ball_y += game->ball_dy;
    if (game->ball_y < 0) {
        game->ball_y = -game->ball_y;
        game->ball_dy = -game->ball_dy;
    } else if (game->ball_y > lowest) {
        game->ball_y = 2 * lowest - game->ball_y;
        game->ball_dy = -game->ball_dy;
    }
    if (game->ball_dx < 0 && game->ball_x < left_face) {
        game->ball_x = 2 * left_face - game->ball_x;
        bounce_off_paddle(game);
    } else if (game->ball_dx > 0 && game->ball_x > right_face) {
        game->ball_x = 2 * right_face - game->ball_x;
        bounce_off_paddle(game);
    }
}

/* One paddle's move towards target, at most speed pixels, kept inside the field. */
static int32_t move_paddle(const struct pong_game *game, int32_t top, int32_t target,
                           int32_t speed)
{
    int32_t highest = game->height - PONG_PADDLE_HEIGHT;
    target = target < 0 ? 0 : target > highest ? highest : target;
    int32_t step = target - top;
    step = step > speed ? speed : step < -speed ? -speed : step;
    return top + step;
}

static void move_paddles(struct pong_game *game)
{
    int32_t chase = game->ball_y + PONG_BALL_SIZE / 2 - PONG_PADDLE_HEIGHT / 2;
    bool rightwards = game->ball_dx > 0;
    game->left_y = move_paddle(game, game->left_y, rightwards ? middle(game) : chase,
                               rightwards ? PONG_PADDLE_RETURN_SPEED : PONG_PADDLE_CHASE_SPEED);
    game->right_y = move_paddle(game, game->right_y, rightwards ? chase : middle(game),
                                rightwards ? PONG_PADDLE_CHASE_SPEED : PONG_PADDLE_RETURN_SPEED);
}

static struct pong_rectangle bounding_box(struct pong_rectangle a, struct pong_rectangle b)
{
    int32_t x0 = a.x < b.x ? a.x : b.x, y0 = a.y < b.y ? a.y : b.y;
    int32_t x1 = a.x + a.width > b.x + b.width ? a.x + a.width : b.x + b.width;
    int32_t y1 = a.y + a.height > b.y + b.height ? a.y + a.height : b.y + b.height;
    return (struct pong_rectangle){ x0, y0, x1 - x0, y1 - y0 };
}

static struct pong_rectangle intersection(struct pong_rectangle a, struct pong_rectangle b)
{
    int32_t x0 = a.x > b.x ? a.x : b.x, y0 = a.y > b.y ? a.y : b.y;
    int64_t x1 = (int64_t)a.x + a.width < (int64_t)b.x + b.width ? (int64_t)a.x + a.width
                                                                 : (int64_t)b.x + b.width;
    int64_t y1 = (int64_t)a.y + a.height < (int64_t)b.y + b.height ? (int64_t)a.y + a.height
                                                                   : (int64_t)b.y + b.height;
    if (x1 <= x0 || y1 <= y0)
        return (struct pong_rectangle){ 0, 0, 0, 0 };
    return (struct pong_rectangle){ x0, y0, (int32_t)(x1 - x0), (int32_t)(y1 - y0) };
}

/* The counter's text: the bounces in decimal. */
static unsigned counter_text(const struct pong_game *game, char text[12])
{
    return (unsigned)snprintf(text, 12, "%lu", (unsigned long)game->hits);
}

struct pong_rectangle pong_game_counter(const struct pong_game *game, const struct psf_font *font)
{
    char text[12];
    int32_t width = (int32_t)(counter_text(game, text) * font->width);
    int32_t right = game->width / 2 - PONG_NET_WIDTH / 2 - PONG_COUNTER_GAP;
    return (struct pong_rectangle){ right - width, PONG_COUNTER_TOP, width,
                                    (int32_t)font->height };
}

struct pong_rectangle pong_game_label(const struct pong_game *game, const struct psf_font *font)
{
    int32_t width = (int32_t)((sizeof PAUSED_TEXT - 1) * font->width);
    return (struct pong_rectangle){ (game->width - width) / 2,
                                    (game->height - (int32_t)font->height) / 2, width,
                                    (int32_t)font->height };
}

unsigned pong_game_step(struct pong_game *game, const struct psf_font *font,
                        struct pong_rectangle damage[PONG_DAMAGE_MAX])
{
    struct pong_rectangle before[PONG_OBJECTS];
    for (unsigned i = 0; i < PONG_OBJECTS; i++)
        before[i] = pong_game_object(game, i);
    uint32_t hits = game->hits;
    move_ball(game);
    move_paddles(game);
    game->frame++;
    unsigned count = 0;
    for (unsigned i = 0; i < PONG_OBJECTS; i++) {
        struct pong_rectangle after = pong_game_object(game, i);
        if (after.x != before[i].x || after.y != before[i].y)
            damage[count++] = bounding_box(before[i], after);
    }
    if (game->hits != hits) {   /* digits beyond a narrow field's edge are not shown */
        struct pong_rectangle counter = intersection(pong_game_counter(game, font),
            (struct pong_rectangle){ 0, 0, game->width, game->height });
        if (counter.width > 0)
            damage[count++] = counter;
    }
    return count;
}

/* Drawing happens on a surface that is the clip rectangle alone, so every position is
 * moved by the clip's corner. */
static void fill(const struct surface *part, struct pong_rectangle clip,
                 struct pong_rectangle area, uint32_t pixel)
{
    if (area.width > 0 && area.height > 0)
        surface_fill_rectangle(part, area.x - clip.x, area.y - clip.y, (uint32_t)area.width,
                               (uint32_t)area.height, pixel);
}

static void text(const struct surface *part, struct pong_rectangle clip,
                 const struct pong_look *look, struct pong_rectangle at, const char *s,
                 unsigned length, uint32_t foreground)
{
    surface_draw_text(part, look->font, at.x - clip.x, at.y - clip.y, s, length, foreground,
                      look->field);
}

/* The surface's pixels inside clip, as a surface of their own. */
static struct surface cut(const struct surface *surface, struct pong_rectangle clip)
{
    struct surface part = *surface;
    part.pixels += (uint32_t)clip.y * surface->bytes_per_line +
                   (uint32_t)clip.x * (surface->format.bits_per_pixel / 8);
    part.width = (uint32_t)clip.width;
    part.height = (uint32_t)clip.height;
    return part;
}

void pong_game_draw(const struct pong_game *game, const struct pong_look *look,
                    const struct surface *surface, struct pong_rectangle clip)
{
    clip = intersection(clip, (struct pong_rectangle){ 0, 0, game->width, game->height });
    clip = intersection(clip, (struct pong_rectangle){ 0, 0, (int32_t)surface->width,
                                                       (int32_t)surface->height });
    if (clip.width == 0)
        return;
    struct surface part = cut(surface, clip);
    fill(&part, clip, clip, look->field);
    int32_t net_x = game->width / 2 - PONG_NET_WIDTH / 2;
    int32_t first = clip.y - clip.y % PONG_NET_PERIOD;
    for (int32_t y = first; y < clip.y + clip.height; y += PONG_NET_PERIOD)
        fill(&part, clip, (struct pong_rectangle){ net_x, y + (PONG_NET_PERIOD - PONG_NET_DASH) / 2,
                                                   PONG_NET_WIDTH, PONG_NET_DASH },
             look->net);
    char digits[12];
    unsigned length = counter_text(game, digits);
    text(&part, clip, look, pong_game_counter(game, look->font), digits, length, look->counter);
    fill(&part, clip, pong_game_object(game, PONG_LEFT_PADDLE), look->paddle);
    fill(&part, clip, pong_game_object(game, PONG_RIGHT_PADDLE), look->paddle);
    fill(&part, clip, pong_game_object(game, PONG_BALL), look->ball);
    if (look->paused)
        text(&part, clip, look, pong_game_label(game, look->font), PAUSED_TEXT,
             sizeof PAUSED_TEXT - 1, look->label);
}
