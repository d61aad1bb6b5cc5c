/* exit_code: prints, then exit(42). exit() must flush stdout (which is
 * fully buffered when it is not a terminal) before proc_exit. */
#include <stdio.h>
#include <stdlib.h>

int main(void) {
    printf("about to exit with 42\n");
    printf("no newline at the end");
    exit(42);
    printf("unreachable\n");
    return 0;
}
