/* random SIZE COUNT: COUNT random_get calls of SIZE bytes each. */
#include <wasi/api.h>
#include "common.h"

int main(int argc, char **argv) {
    long long size = arg_num(argc, argv, 1, "size");
    long long count = arg_num(argc, argv, 2, "count");
    uint8_t *buf = malloc(size ? (size_t)size : 1);
    if (!buf) return 1;
    long long zeros = 0;
    for (long long i = 0; i < count; i++) {
        if (__wasi_random_get(buf, (__wasi_size_t)size) != 0) return 1;
        zeros += buf[0] == 0 && buf[size - 1] == 0;
    }
    /* Two zero bytes in one call happens 1 time in 65536: only catch a host that fills nothing. */
    int ok = count < 1000 || zeros < count / 100;
    printf("random: %lld calls of %lld bytes, %s\n", count, size, ok ? "filled" : "NOT filled");
    return ok ? 0 : 1;
}
