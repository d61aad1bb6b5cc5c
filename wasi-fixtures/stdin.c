/* stdin: reads all of stdin (until EOF) and prints its byte length and the
 * content with ASCII letters upper-cased (other bytes unchanged). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

int main(void) {
    size_t cap = 16, len = 0;
    char *data = malloc(cap);
    int c;
    while ((c = getchar()) != EOF) {
        if (len == cap) data = realloc(data, cap *= 2);
        data[len++] = (char)c;
    }
    printf("read %zu bytes\n", len);
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)data[i];
        putchar(ch < 0x80 ? toupper(ch) : ch);
    }
    printf("[end]\n");
    /* Reading again at EOF keeps returning EOF. */
    clearerr(stdin);
    printf("second read at EOF: %s\n", getchar() == EOF ? "EOF" : "data");
    free(data);
    return 0;
}
