/* clock_sleep: clock_gettime/clock_getres sanity for REALTIME and MONOTONIC,
 * and relative sleeps (nanosleep, usleep, clock_nanosleep, poll with a
 * timeout) measured with MONOTONIC. Prints checks, never times. Absolute
 * deadlines are in clock_abstime.c. */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static int64_t ns(struct timespec t) { return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec; }

static int64_t mono(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return ns(t);
}

/* upper bound is generous: CI machines can be slow */
static const char *slept(int64_t elapsed, int64_t want) {
    if (elapsed < want) return "TOO SHORT";
    if (elapsed > want + 5000000000LL) return "TOO LONG";
    return "ok";
}

int main(void) {
    struct timespec t, r;

    int rc = clock_gettime(CLOCK_REALTIME, &t);
    printf("clock_gettime(REALTIME): %s\n", rc == 0 ? "ok" : "failed");
    printf("realtime after 2020-01-01: %s\n", t.tv_sec > 1577836800 ? "yes" : "no");
    printf("realtime before 2200-01-01: %s\n", t.tv_sec < 7258118400LL ? "yes" : "no");
    printf("tv_nsec in range: %s\n", t.tv_nsec >= 0 && t.tv_nsec < 1000000000 ? "yes" : "no");
    time_t now = time(NULL);
    printf("time() agrees with REALTIME: %s\n", now >= t.tv_sec && now <= t.tv_sec + 5 ? "yes" : "no");
    struct timespec t2;
    clock_gettime(CLOCK_REALTIME, &t2);
    printf("second REALTIME read not before the first: %s\n", ns(t2) >= ns(t) ? "yes" : "no");

    rc = clock_gettime(CLOCK_MONOTONIC, &t);
    printf("clock_gettime(MONOTONIC): %s\n", rc == 0 ? "ok" : "failed");
    int64_t prev = ns(t), backwards = 0;
    for (int i = 0; i < 10000; i++) {
        int64_t cur = mono();
        if (cur < prev) backwards++;
        prev = cur;
    }
    printf("monotonic never goes backwards (10000 reads): %s\n", backwards == 0 ? "yes" : "no");

    rc = clock_getres(CLOCK_REALTIME, &r);
    printf("clock_getres(REALTIME): %s, between 1ns and 1s: %s\n", rc == 0 ? "ok" : "failed",
           ns(r) >= 1 && ns(r) <= 1000000000 ? "yes" : "no");
    rc = clock_getres(CLOCK_MONOTONIC, &r);
    printf("clock_getres(MONOTONIC): %s, between 1ns and 1s: %s\n", rc == 0 ? "ok" : "failed",
           ns(r) >= 1 && ns(r) <= 1000000000 ? "yes" : "no");

    int64_t t0 = mono();
    struct timespec req = {0, 50000000}, rem = {9, 9};
    rc = nanosleep(&req, &rem);
    printf("nanosleep(50ms): %s, slept: %s\n", rc == 0 ? "ok" : "failed", slept(mono() - t0, 50000000));

    t0 = mono();
    rc = usleep(20000);
    printf("usleep(20ms): %s, slept: %s\n", rc == 0 ? "ok" : "failed", slept(mono() - t0, 20000000));

    t0 = mono();
    req.tv_sec = 0;
    req.tv_nsec = 30000000;
    rc = clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL);
    printf("clock_nanosleep(MONOTONIC, relative 30ms): %s, slept: %s\n", rc == 0 ? "ok" : "failed",
           slept(mono() - t0, 30000000));

    t0 = mono();
    req.tv_sec = 0;
    req.tv_nsec = 0;
    rc = nanosleep(&req, NULL);
    printf("nanosleep(0): %s\n", rc == 0 ? "ok" : "failed");

    req.tv_nsec = 1000000000;
    errno = 0;
    rc = nanosleep(&req, NULL);
    printf("nanosleep(tv_nsec = 1e9): %s\n", rc == -1 && errno == EINVAL ? "EINVAL" : "unexpected");

    t0 = mono();
    rc = poll(NULL, 0, 25);
    printf("poll(no fds, 25ms): returned %d, slept: %s\n", rc, slept(mono() - t0, 25000000));

    printf("sched_yield: %s\n", sched_yield() == 0 ? "ok" : "failed");
    return 0;
}
