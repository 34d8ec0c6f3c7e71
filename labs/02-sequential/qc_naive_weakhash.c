/* qc_naive_weakhash - qc_naive built with WEAK_HASH: sut_vs_model must fail. */
#define WEAK_HASH 1
#include "qc_naive.c"
