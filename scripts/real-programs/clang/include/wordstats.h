/* A local header, found through -I: the compile reads more than one file. */
#ifndef WORDSTATS_H
#define WORDSTATS_H
#include <stddef.h>

struct word { char text[32]; size_t count; };

size_t split_words(char *text, struct word *words, size_t max);
int by_count_then_text(const void *a, const void *b);
#endif
