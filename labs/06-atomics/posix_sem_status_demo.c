/* posix_sem_status_demo - the status demo on POSIX sem_t with capacity 1 (not in the book: a baseline).  See status_demo.c. */
#define GATE GATE_POSIX
#define CAPACITY 1
#define PROG "posix_sem_status_demo"
#define WHAT "POSIX sem_t with capacity 1 (not in the book: a baseline)"
#define BOOK_FIGURE "not in the book"
#include "status_demo.c"
