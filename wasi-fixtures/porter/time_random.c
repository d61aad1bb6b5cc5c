// Prints what differs between two runs of a program: wall and monotonic
// time, random bytes, a new file's inode number and times, directory entries'
// inode numbers. Under deterministic mode (test/porter.test.ts) two runs
// print the same bytes.
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

int main(void) {
  struct timespec rt, mono1, mono2;
  clock_gettime(CLOCK_REALTIME, &rt);
  clock_gettime(CLOCK_MONOTONIC, &mono1);
  clock_gettime(CLOCK_MONOTONIC, &mono2);
  printf("realtime %lld.%09ld\n", (long long)rt.tv_sec, rt.tv_nsec);
  printf("monotonic step %lld ns\n", (long long)(mono2.tv_sec - mono1.tv_sec) * 1000000000LL + (mono2.tv_nsec - mono1.tv_nsec));
  unsigned char r[16];
  getentropy(r, sizeof r);
  printf("random");
  for (int i = 0; i < 16; i++) printf(" %02x", r[i]);
  printf("\n");
  int fd = open("/sandbox/new.txt", O_WRONLY | O_CREAT, 0644);
  write(fd, "hello\n", 6);
  close(fd);
  struct stat st;
  stat("/sandbox/new.txt", &st);
  printf("new.txt ino %llu mtime %lld.%09ld dev %llu\n", (unsigned long long)st.st_ino, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec, (unsigned long long)st.st_dev);
  DIR *d = opendir("/sandbox");
  struct dirent *e;
  while ((e = readdir(d)) != NULL) if (strcmp(e->d_name, "new.txt") == 0) printf("readdir new.txt ino %llu\n", (unsigned long long)e->d_ino);
  closedir(d);
  return 0;
}
