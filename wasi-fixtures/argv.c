/* argv: argc, then every argv[i] with its byte length and hex bytes, so that
 * a host that counts UTF-16 units instead of UTF-8 bytes (args_sizes_get vs
 * args_get) is caught. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
    printf("argc = %d\n", argc);
    for (int i = 0; i < argc; i++) {
        size_t n = strlen(argv[i]);
        printf("argv[%d] = [%s] (%zu bytes:", i, argv[i], n);
        for (size_t j = 0; j < n; j++)
            printf(" %02x", (unsigned char)argv[i][j]);
        printf(")\n");
    }
    printf("argv[argc] is NULL: %s\n", argv[argc] == NULL ? "yes" : "no");
    return 0;
}
