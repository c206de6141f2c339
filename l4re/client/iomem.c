/* SPDX-License-Identifier: MIT */
/* IOMEM protocol client (pecan/iomem.h). */
#include <pecan/iomem.h>
#include "client_call.h"

int pecan_iomem_dataspace(pecan_cap_t iomem, pecan_cap_t factory, pecan_word_t phys,
                          pecan_word_t size, pecan_cap_t dest)
{
    struct pecan_message m;
    m.word[0] = PECAN_IOMEM_DATASPACE;
    m.word[1] = phys;
    m.word[2] = size;
    client_cap_item(&m.word[3], factory, PECAN_RIGHT_WRITE);
    pecan_receive_caps(&dest, 1);
    int err = client_call(iomem, PECAN_PROTO_IOMEM, &m, 3, 1);
    if (!err && pecan_tag_items(m.tag) < 1)
        return -PECAN_EMSGTOOSHORT;
    return err;
}
