/* SPDX-License-Identifier: MIT */
/* CNode client calls. */
#include "call.h"

int pecan_cnode_copy(pecan_cap_t cnode, pecan_word_t dest, unsigned dest_depth,
                     pecan_cap_t src_cnode, pecan_word_t src, unsigned src_depth,
                     unsigned rights)
{
    pecan_word_t w[] = { PECAN_CNODE_COPY, dest, dest_depth, src_cnode, src, src_depth, rights };
    return sys_call(cnode, PECAN_PROTO_CNODE, 7, w, 0, 0);
}

int pecan_cnode_mint(pecan_cap_t cnode, pecan_word_t dest, unsigned dest_depth,
                     pecan_cap_t src_cnode, pecan_word_t src, unsigned src_depth,
                     unsigned rights, pecan_word_t badge)
{
    pecan_word_t w[] = { PECAN_CNODE_MINT, dest, dest_depth, src_cnode, src, src_depth, rights,
                         badge };
    return sys_call(cnode, PECAN_PROTO_CNODE, 8, w, 0, 0);
}

int pecan_cnode_move(pecan_cap_t cnode, pecan_word_t dest, unsigned dest_depth,
                     pecan_cap_t src_cnode, pecan_word_t src, unsigned src_depth)
{
    pecan_word_t w[] = { PECAN_CNODE_MOVE, dest, dest_depth, src_cnode, src, src_depth };
    return sys_call(cnode, PECAN_PROTO_CNODE, 6, w, 0, 0);
}

int pecan_cnode_delete(pecan_cap_t cnode, pecan_word_t index, unsigned depth)
{
    pecan_word_t w[] = { PECAN_CNODE_DELETE, index, depth };
    return sys_call(cnode, PECAN_PROTO_CNODE, 3, w, 0, 0);
}

int pecan_cnode_revoke(pecan_cap_t cnode, pecan_word_t index, unsigned depth)
{
    pecan_word_t w[] = { PECAN_CNODE_REVOKE, index, depth };
    return sys_call(cnode, PECAN_PROTO_CNODE, 3, w, 0, 0);
}

int pecan_cnode_identify(pecan_cap_t cnode, pecan_word_t index, unsigned depth,
                         struct pecan_cap_identity *id)
{
    pecan_word_t w[] = { PECAN_CNODE_IDENTIFY, index, depth }, r[6] = { 0 };
    int err = sys_call(cnode, PECAN_PROTO_CNODE, 3, w, r, 6);
    *id = (struct pecan_cap_identity){
        .type = r[0], .rights = r[1], .badge = r[2], .phys = r[3], .depth = r[4],
        .size_bits = r[5] >> 8, .flags = r[5] & 0xff,
    };
    return err;
}
