/* environ: the number of environment entries the host passed, selected
 * getenv() values (non-ASCII, empty, containing '='), and the whole
 * environment sorted (the host's order is not part of the contract). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

static int cmp(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void show(const char *key) {
    const char *v = getenv(key);
    if (v)
        printf("getenv(%s) = [%s] (%zu bytes)\n", key, v, strlen(v));
    else
        printf("getenv(%s) = NULL\n", key);
}

int main(void) {
    size_t n = 0;
    while (environ[n]) n++;
    printf("environ entries: %zu\n", n);

    show("GREETING");
    show("LANG_JA");
    show("EMPTY");
    show("EQUALS");
    show("MISSING");

    char **copy = malloc((n + 1) * sizeof *copy);
    memcpy(copy, environ, (n + 1) * sizeof *copy);
    qsort(copy, n, sizeof *copy, cmp);
    for (size_t i = 0; i < n; i++)
        printf("env[%zu] = %s\n", i, copy[i]);
    free(copy);

    /* setenv/unsetenv are libc-only, but must not disturb the above. */
    setenv("ADDED", "1", 1);
    unsetenv("GREETING");
    show("ADDED");
    show("GREETING");
    return 0;
}
