/* ansi_colours: prints the eight ANSI foreground colours, bold and a
 * background as SGR escape sequences (ECMA-48 8.3.117), each reset after
 * its word, so a terminal (the demo's xterm.js pane) shows them in colour
 * and a pipe gets the escapes as bytes. */
#include <stdio.h>

static const char *names[8] = {"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"};

int main(void) {
    for (int i = 0; i < 8; i++) printf("\x1b[3%dm%s\x1b[0m%s", i, names[i], i < 7 ? " " : "\n");
    printf("\x1b[1mbold\x1b[0m \x1b[30;47mblack on white\x1b[0m\n");
    return 0;
}
