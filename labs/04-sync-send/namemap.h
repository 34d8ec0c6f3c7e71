/* namemap.h - a small string-keyed hash map for telem's egresses: name ->
 * per-name state.  Open addressing (linear probing) over an index table,
 * entries kept in insertion order so reports are stable.  The number of
 * names is capped: points for new names beyond the cap are refused, because
 * names come off the network and memory must not grow without bound.
 * Single-threaded: each egress owns its map. */
#ifndef NAMEMAP_H
#define NAMEMAP_H
#include <stddef.h>
#include <stdint.h>

struct namemap_entry { char *name; size_t len; uint64_t hash; void *val; };

struct namemap {
    struct namemap_entry *e; /* insertion order */
    size_t len, ecap, max;
    size_t *idx;             /* index table: entry index + 1, 0 = empty */
    size_t icap;             /* power of two, kept at least 2x len */
};

/* Empty map holding at most max names. */
void namemap_init(struct namemap *m, size_t max);
/* Free the map's own memory; call free_val on each value first if non-NULL. */
void namemap_free(struct namemap *m, void (*free_val)(void *));
/* The entry for name[0..len), created with val = NULL if absent.  Returns
 * NULL if the name is new and the map is full or memory ran out. */
struct namemap_entry *namemap_get(struct namemap *m, const char *name, size_t len);

#endif
