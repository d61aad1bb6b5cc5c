/* Compiled with -c and put in an archive by llvm-ar, then listed by llvm-nm. */
int twice(int x) { return 2 * x; }
