/* return_code: returns 3 from main. Writes to stderr and stdout without a
 * trailing newline; both must still arrive (stdio flushed at exit). */
#include <stdio.h>

int main(void) {
    printf("stdout line\n");
    fprintf(stderr, "error: something failed");
    printf("stdout without newline");
    return 3;
}
