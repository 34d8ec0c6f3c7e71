/* hopper_deque_stress_relaxed.c - hopper_deque_stress linked with deque_relaxed.c:
 * BROKEN ON PURPOSE (relaxed `size`); see deque.h. */
#include "hopper_deque_stress.c"
