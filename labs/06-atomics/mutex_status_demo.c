/* mutex_status_demo - the status demo on pthread_mutex_t.  See status_demo.c. */
#define GATE GATE_MUTEX
#define CAPACITY 1
#define PROG "mutex_status_demo"
#define WHAT "pthread_mutex_t"
#define BOOK_FIGURE "x86 ~1.85M-2.18M per thread per second (the book says 2,000,000/sec)"
#include "status_demo.c"
