/* rocket_racy - BROKEN ON PURPOSE: rocket (ch. 5, section 2.5) with the
 * producer clearing and setting the resource flags *outside* the mutex the
 * rockets read and clear them under.  The book's "causality gate" remark is about exactly this: with the
 * write inside the lock, its order against the broadcast does not matter;
 * outside, it is a data race (helgrind and ThreadSanitizer report it) and a
 * rocket can miss or double-take a resource.  --seconds bounds a hang. */
#define ROCKET_RACY 1
#define PROG "rocket_racy"
#include "rocket.c"
