/* SPDX-License-Identifier: MIT */
/* ICU protocol client (pecan/icu.h). */
#include <pecan/icu.h>
#include "client_call.h"

/* A reply that must carry one capability item. */
static int one_cap(pecan_cap_t icu, struct pecan_message *m, unsigned words, unsigned items,
                   pecan_cap_t dest)
{
    pecan_receive_caps(&dest, 1);
    int err = client_call(icu, PECAN_PROTO_ICU, m, words, items);
    if (!err && pecan_tag_items(m->tag) < 1)
        return -PECAN_EMSGTOOSHORT;
    return err;
}

int pecan_icu_get(pecan_cap_t icu, pecan_word_t line, pecan_cap_t dest)
{
    struct pecan_message m;
    m.word[0] = PECAN_ICU_GET;
    m.word[1] = line;
    return one_cap(icu, &m, 2, 0, dest);
}

int pecan_icu_view(pecan_cap_t icu, pecan_cap_t factory, pecan_word_t first,
                   pecan_word_t count, pecan_cap_t dest)
{
    struct pecan_message m;
    m.word[0] = PECAN_ICU_VIEW;
    m.word[1] = first;
    m.word[2] = count;
    client_cap_item(&m.word[3], factory, PECAN_RIGHT_WRITE);
    return one_cap(icu, &m, 3, 1, dest);
}

int pecan_icu_info(pecan_cap_t icu, pecan_word_t *first, pecan_word_t *count)
{
    struct pecan_message m;
    m.word[0] = PECAN_ICU_INFO;
    int err = client_call(icu, PECAN_PROTO_ICU, &m, 1, 0);
    if (!err && pecan_tag_words(m.tag) < 2)
        return -PECAN_EMSGTOOSHORT;
    if (!err) {
        *first = m.word[0];
        *count = m.word[1];
    }
    return err;
}
