// The C batched-UDP reference: c-select.c with recvmmsg/sendmmsg for UDP (as NSD and Knot DNS batch), TCP unchanged.
//
// Usage: c-mmsg HOST PORT. The practical limit for UDP CPU per datagram on this machine: the fewest syscalls, no runtime.
#define BATCHED_UDP 1
#define PROGRAM "c-mmsg"
#include "c-select.c"
