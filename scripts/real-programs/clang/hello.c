#include <stdio.h>

int main(void) {
    printf("hello from a program clang built under wasi-host\n");
    return 0;
}
