/* empty: does nothing; the runner instantiates and starts it many times. */
int main(void) { return 0; }
