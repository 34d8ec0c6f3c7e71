/* binary_sem_status_demo - the status demo on the book's queue semaphore with capacity 1 (a binary semaphore).  See status_demo.c. */
#define GATE GATE_QSEM
#define CAPACITY 1
#define PROG "binary_sem_status_demo"
#define WHAT "the book's queue semaphore with capacity 1 (a binary semaphore)"
#define BOOK_FIGURE "x86 ~90k-91k per thread per second"
#include "status_demo.c"
