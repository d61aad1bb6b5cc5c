/* Does not compile: clang's diagnostics on stderr, exit status 1. */
int main(void) { undeclared_fn(1); return "x"; }
