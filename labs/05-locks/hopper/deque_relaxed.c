/* deque_relaxed.c - deque.c built BROKEN ON PURPOSE with relaxed `size` (see deque.h). */
#define HQ_RELAXED 1
#include "deque.c"
