/* SPDX-License-Identifier: MIT */
/*
 * The no-clients hook of the server framework (pecan/server.h). Many gates share one
 * notification bit (key % 32), so a signalled bit only says "one of these may have lost
 * its last client": each watched object of the bit is asked with GATE_INFO, and only those
 * without clients get their hook.
 */
#include <pecan/server.h>

static void check_object(struct server_object *object)
{
    if (!object->watched || !object->type->no_clients)
        return;
    int has = pecan_gate_has_clients(object->gate);
    /* Still has clients, or the question failed: keep it. A gate that is gone (made
     * through a client's factory that was destroyed, which revoked it) has none. */
    if (has != 0 && has != -PECAN_EINVALCAP)
        return;
    object->type->no_clients(object);
}

void server_no_clients(struct server *s, pecan_word_t bits)
{
    for (unsigned bit = 0; bit < 32; bit++) {
        if (!(bits & (1u << bit)))
            continue;
        /* key % 32 == bit: keys bit, bit + 32, ... (key 0 does not exist), up to the
         * highest key ever issued (none above was ever registered) */
        for (unsigned key = bit ? bit : 32; key <= s->issued; key += 32) {
            struct server_object *object = server_lookup(s, key);
            if (object)
                check_object(object);
        }
    }
}
