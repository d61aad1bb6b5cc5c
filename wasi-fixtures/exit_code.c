/* exit_code: prints, then exit(42). exit() runs atexit handlers and then
 * flushes stdout (fully buffered when it is not a terminal) before
 * proc_exit, so the partial last line and the handler's text arrive. */
#include <stdio.h>
#include <stdlib.h>

static void handler(void) { printf(" [atexit handler ran]\n"); }

int main(void) {
    atexit(handler);
    printf("about to exit with 42\n");
    printf("no newline at the end");
    exit(42);
    printf("unreachable\n");
    return 0;
}
