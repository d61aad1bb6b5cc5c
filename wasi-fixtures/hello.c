/* hello: the smallest fixture. One line on stdout, exit 0. */
#include <stdio.h>

int main(void) {
    printf("Hello, WASI!\n");
    return 0;
}
