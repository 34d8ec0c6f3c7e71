/* spin_mutex_status_demo - the status demo on the book's SwapMutex spin lock.  See status_demo.c. */
#define GATE GATE_SPIN
#define CAPACITY 1
#define PROG "spin_mutex_status_demo"
#define WHAT "the book's SwapMutex spin lock"
#define BOOK_FIGURE "x86 ~11.86M-12.60M per thread per second (the book says 11,000,000/sec)"
#include "status_demo.c"
