/* ring_racy_checked - BROKEN ON PURPOSE: the book's data_race01 (ch. 4.5).
 * ring_racy with one change: the writer asserts that the slot it fills is
 * empty (mem::replace(slot, Some(cur)).is_none()), so it catches itself
 * stomping an unread value.  Same exit statuses as ring_racy. */
#define RING_CHECKED 1
#define PROG "ring_racy_checked"
#define BOOK "data_race01"
#include "ring_racy.c"
