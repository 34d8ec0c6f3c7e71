/* hopper_deque_stress_unannotated.c - hopper_deque_stress linked with deque_unannotated.c:
 * correct code without helgrind annotations, to show helgrind's false positives. */
#include "hopper_deque_stress.c"
