/* Echo round-trip latency client (C twin of bench/echo_client.py, for bench/parts/latency.sh).
 *
 * Usage: echo_client HOST PORT [ROUNDTRIPS] [WARMUP] [SIZE] [CONNECT_WAIT_S]
 * One blocking TCP connection (TCP_NODELAY; IPv4 or IPv6 literal HOST); each round trip sends SIZE
 * bytes and reads exactly SIZE back, timed with CLOCK_MONOTONIC. WARMUP round trips are done first
 * and not recorded; the echoed bytes are checked against those sent. The connect is retried for
 * CONNECT_WAIT_S (10); a stalled server fails the run after 5 s (SO_RCVTIMEO).
 * Prints one line: p50 p99 p99.9 min mean in microseconds (nearest rank), then the count.
 * Build: gcc -O2 -o echo_client bench/echo_client.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int cmp(const void *a, const void *b) {
  long long x = *(const long long *)a, y = *(const long long *)b;
  return (x > y) - (x < y);
}

static long long pct(const long long *s, long n, double p) {
  long k = (long)ceil(p / 100.0 * n) - 1;
  if (k < 0) k = 0;
  return s[k];
}

static int fd;
static char *payload, *buf;
static long size;

static void round_trip(void) {
  for (long off = 0; off < size;) {
    ssize_t w = send(fd, payload + off, size - off, MSG_NOSIGNAL);
    if (w < 0) { if (errno == EINTR) continue; perror("echo_client: send"); exit(1); }
    off += w;
  }
  for (long got = 0; got < size;) {
    ssize_t r = recv(fd, buf + got, size - got, 0);
    if (r == 0) { fprintf(stderr, "echo_client: server closed the connection\n"); exit(1); }
    if (r < 0) {
      if (errno == EINTR) continue;
      perror(errno == EAGAIN || errno == EWOULDBLOCK ? "echo_client: no echo within 5 s" : "echo_client: recv");
      exit(1);
    }
    got += r;
  }
}

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: echo_client HOST PORT [ROUNDTRIPS] [WARMUP] [SIZE] [CONNECT_WAIT_S]\n"); return 2; }
  const char *host = argv[1];
  int port = atoi(argv[2]);
  long n = argc > 3 ? atol(argv[3]) : 10000;
  long warm = argc > 4 ? atol(argv[4]) : 1000;
  size = argc > 5 ? atol(argv[5]) : 64;
  double wait_s = argc > 6 ? atof(argv[6]) : 10.0;
  if (n < 1 || warm < 0 || size < 1 || port < 1 || port > 65535) { fprintf(stderr, "echo_client: bad arguments\n"); return 2; }

  struct sockaddr_storage ss;
  socklen_t sl;
  memset(&ss, 0, sizeof ss);
  struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
  struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
  if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
    a4->sin_family = AF_INET; a4->sin_port = htons(port); sl = sizeof *a4;
  } else if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
    a6->sin6_family = AF_INET6; a6->sin6_port = htons(port); sl = sizeof *a6;
  } else {
    fprintf(stderr, "echo_client: HOST must be an IP address: %s\n", host); return 2;
  }

  long long deadline = now_ns() + (long long)(wait_s * 1e9);
  for (;;) {
    fd = socket(ss.ss_family, SOCK_STREAM, 0);
    if (fd < 0) { perror("echo_client: socket"); return 1; }
    if (connect(fd, (struct sockaddr *)&ss, sl) == 0) break;
    close(fd);
    if (now_ns() > deadline) { fprintf(stderr, "echo_client: cannot connect to %s:%d\n", host, port); return 1; }
    struct timespec d = {0, 20000000};
    nanosleep(&d, NULL);
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  struct timeval tv = {5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);

  payload = malloc(size);
  buf = malloc(size);
  long long *samples = malloc(n * sizeof *samples);
  if (!payload || !buf || !samples) { fprintf(stderr, "echo_client: out of memory\n"); return 1; }
  for (long i = 0; i < size; i++) payload[i] = (char)(i % 256);

  for (long i = 0; i < warm; i++) round_trip();
  if (warm > 0 && memcmp(buf, payload, size) != 0) { fprintf(stderr, "echo_client: echoed bytes differ from those sent\n"); return 1; }

  for (long i = 0; i < n; i++) {
    long long t0 = now_ns();
    round_trip();
    samples[i] = now_ns() - t0;
  }
  if (memcmp(buf, payload, size) != 0) { fprintf(stderr, "echo_client: echoed bytes differ from those sent\n"); return 1; }
  close(fd);

  qsort(samples, n, sizeof *samples, cmp);
  double sum = 0;
  for (long i = 0; i < n; i++) sum += samples[i];
  printf("%.1f %.1f %.1f %.1f %.1f %ld\n", pct(samples, n, 50) / 1e3, pct(samples, n, 99) / 1e3,
         pct(samples, n, 99.9) / 1e3, samples[0] / 1e3, sum / n / 1e3, n);
  return 0;
}
