/* clock COUNT: COUNT clock_time_get(MONOTONIC) calls; checks they never go back. */
#include <wasi/api.h>
#include "common.h"

int main(int argc, char **argv) {
    long long count = arg_num(argc, argv, 1, "count");
    __wasi_timestamp_t prev = 0, t = 0;
    long long back = 0;
    for (long long i = 0; i < count; i++) {
        if (__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t) != 0) return 1;
        back += t < prev;
        prev = t;
    }
    printf("clock: %lld calls, %lld went backwards\n", count, back);
    return back == 0 ? 0 : 1;
}
