/* deque_unannotated.c - deque.c without helgrind annotations, to show the false positives. */
#define HQ_NO_ANNOTATE 1
#include "deque.c"
