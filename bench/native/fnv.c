/* The native baseline for the 2026 proof-of-work hash (web-2026.md §3.3): FNV-1a-32 over the bytes, then the
 * 32-bit avalanche finish, for inputs of the answer's length whose last digits change each time, as a solver's do.
 * Prints hashes per second. Built and run by bench/pow-hashes.bench.ts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint32_t fnv(const unsigned char *p, size_t n) {
  uint32_t h = 0x811c9dc5u;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x01000193u;
  h ^= h >> 16; h *= 0x85ebca6bu; h ^= h >> 13; h *= 0xc2b2ae35u; h ^= h >> 16;
  return h;
}

int main(int argc, char **argv) {
  size_t len = argc > 1 ? (size_t)atoi(argv[1]) : 600;
  long count = argc > 2 ? atol(argv[2]) : 5000000;
  unsigned char *buf = malloc(len);
  memset(buf, 'A', len);
  uint32_t sink = 0;
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (long i = 0; i < count; i++) {
    /* a nonce's digits near the end, as base64 of the config changes there */
    long v = i;
    for (int d = 0; d < 8; d++) { buf[len - 12 + d] = (unsigned char)('0' + v % 10); v /= 10; }
    sink ^= fnv(buf, len);
  }
  clock_gettime(CLOCK_MONOTONIC, &b);
  double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
  printf("%.0f %u\n", (double)count / s, sink);
  return 0;
}
