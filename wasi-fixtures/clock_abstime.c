/* clock_abstime: clock_nanosleep with TIMER_ABSTIME (poll_oneoff with
 * subscription_clock_abstime): on MONOTONIC a deadline 40 ms ahead is
 * reached and one in the past returns at once; on REALTIME a deadline in the
 * past returns at once. (A future REALTIME deadline is left out: wasmtime's
 * p1 poll_oneoff computes now - deadline for it, which underflows.)
 * Kept apart from clock_sleep because node:wasi treats the absolute deadline
 * as a relative timeout and sleeps for hours. */
#include <stdint.h>
#include <stdio.h>
#include <time.h>

static int64_t ns(struct timespec t) { return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec; }

static int64_t now(clockid_t c) {
    struct timespec t;
    clock_gettime(c, &t);
    return ns(t);
}

static void future(const char *name, clockid_t c) {
    int64_t deadline = now(c) + 40000000;
    struct timespec abs = {(time_t)(deadline / 1000000000), (long)(deadline % 1000000000)};
    int64_t m0 = now(CLOCK_MONOTONIC);
    int rc = clock_nanosleep(c, TIMER_ABSTIME, &abs, NULL);
    int64_t end = now(c), took = now(CLOCK_MONOTONIC) - m0;
    printf("clock_nanosleep(%s, absolute +40ms): %s, reached deadline: %s, took under 5s: %s\n", name,
           rc == 0 ? "ok" : "failed", end >= deadline ? "yes" : "no", took < 5000000000LL ? "yes" : "no");
}

static void past(const char *name, clockid_t c) {
    struct timespec old = {1, 0};
    int64_t m0 = now(CLOCK_MONOTONIC);
    int rc = clock_nanosleep(c, TIMER_ABSTIME, &old, NULL);
    printf("clock_nanosleep(%s, absolute in the past): %s, returned promptly: %s\n", name,
           rc == 0 ? "ok" : "failed", now(CLOCK_MONOTONIC) - m0 < 1000000000 ? "yes" : "no");
}

int main(void) {
    future("MONOTONIC", CLOCK_MONOTONIC);
    past("MONOTONIC", CLOCK_MONOTONIC);
    past("REALTIME", CLOCK_REALTIME);
    return 0;
}
