/* poll_stdin: an event loop on poll(2) and non-blocking reads. stdin is made
 * O_NONBLOCK; each round polls it with a 100 ms timeout. The first timeout is
 * reported ("waiting"); input is echoed as it comes, read until EAGAIN says
 * nothing more is buffered; end of input ends the loop. With input piped in
 * everything is ready at once, so it never times out. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <unistd.h>

int main(void) {
    if (fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK) != 0) {
        perror("fcntl");
        return 2;
    }
    int timeouts = 0;
    char buf[256];
    for (;;) {
        struct pollfd p = {.fd = 0, .events = POLLIN};
        int r = poll(&p, 1, 100);
        if (r < 0) {
            perror("poll");
            return 2;
        }
        if (r == 0) {
            if (timeouts++ == 0) {
                printf("waiting\n");
                fflush(stdout);
            }
            continue;
        }
        for (;;) {
            ssize_t n = read(0, buf, sizeof buf);
            if (n > 0) {
                printf("got %d: %.*s", (int)n, (int)n, buf);
                fflush(stdout);
                continue;
            }
            if (n == 0) {
                printf("end of input after %s\n", timeouts > 0 ? "a timeout" : "no timeout");
                return 0;
            }
            if (errno == EAGAIN) break;
            perror("read");
            return 2;
        }
    }
}
