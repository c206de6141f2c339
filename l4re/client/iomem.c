/* SPDX-License-Identifier: MIT */
/* IOMEM protocol client (pecan/iomem.h). */
#include <pecan/iomem.h>
#include "client_call.h"

/* DATASPACE and VIEW: a range and the paying factory in, one capability out. */
static int make(pecan_cap_t iomem, pecan_word_t op, pecan_cap_t factory, pecan_word_t phys,
                pecan_word_t size, pecan_cap_t dest)
{
    struct pecan_message m;
    m.word[0] = op;
    m.word[1] = phys;
    m.word[2] = size;
    client_cap_item(&m.word[3], factory, PECAN_RIGHT_WRITE);
    pecan_receive_caps(&dest, 1);
    int err = client_call(iomem, PECAN_PROTO_IOMEM, &m, 3, 1);
    if (!err && pecan_tag_items(m.tag) < 1)
        return -PECAN_EMSGTOOSHORT;
    return err;
}

int pecan_iomem_dataspace(pecan_cap_t iomem, pecan_cap_t factory, pecan_word_t phys,
                          pecan_word_t size, pecan_cap_t dest)
{
    return make(iomem, PECAN_IOMEM_DATASPACE, factory, phys, size, dest);
}

int pecan_iomem_view(pecan_cap_t iomem, pecan_cap_t factory, pecan_word_t phys,
                     pecan_word_t size, pecan_cap_t dest)
{
    return make(iomem, PECAN_IOMEM_VIEW, factory, phys, size, dest);
}

int pecan_iomem_info(pecan_cap_t iomem, pecan_word_t *first, pecan_word_t *last)
{
    struct pecan_message m;
    m.word[0] = PECAN_IOMEM_INFO;
    int err = client_call(iomem, PECAN_PROTO_IOMEM, &m, 1, 0);
    if (!err && pecan_tag_words(m.tag) < 2)
        return -PECAN_EMSGTOOSHORT;
    if (!err) {
        *first = m.word[0];
        *last = m.word[1];
    }
    return err;
}
