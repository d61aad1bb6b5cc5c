/* repl: a line-reading REPL. Says whether stdout is a terminal, then answers
 * each line as soon as it is read, before reading the next: "upper" of the
 * line, or the sum for "add A B". Ends at end of input with "bye". The
 * explicit fflush is what makes it answer at once on a pipe, where libc
 * buffers stdout fully (on a terminal it line-buffers by itself). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void) {
    char line[256];
    printf("repl on a %s\n", isatty(1) ? "terminal" : "pipe");
    fflush(stdout);
    unsigned n = 0;
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = 0;
        long a, b;
        n++;
        if (sscanf(line, "add %ld %ld", &a, &b) == 2) {
            printf("%u: %ld\n", n, a + b);
        } else {
            for (char *p = line; *p; p++) *p = (char)toupper((unsigned char)*p);
            printf("%u: %s\n", n, line);
        }
        fflush(stdout);
    }
    printf("bye after %u lines\n", n);
    return 0;
}
