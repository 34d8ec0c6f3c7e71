/* swap_mutex_counter_unannotated - swap_mutex_counter without the helgrind
 * annotations: correct code that helgrind (which does not understand C11
 * atomics) reports as racy.  The lesson of SPEC section 9; TSan is clean. */
#define HB_NO_ANNOTATE 1
#define PROG "swap_mutex_counter_unannotated"
#include "swap_mutex_counter.c"
