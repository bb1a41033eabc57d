#!/usr/bin/env bash
# Part `udp`: UDP over loopback (127.0.0.1), 1200-byte datagrams, tools alternating round by round.
#
# (a) udp-send rate. The sender's stdin is one end of a SOCK_SEQPACKET socketpair, so each stdin
#     read returns exactly one 1200-byte record (one read = one datagram for every tool); a C helper
#     (built from the source below into $BENCH_TMP) forks the sender, writes N records (500,000;
#     QUICK 20,000) into the other end and closes it. A C counter on a bound UDP socket with a
#     64 MiB SO_RCVBUF (SO_RCVBUFFORCE) counts what arrives and how many datagrams were not 1200 B.
#       nsock udp-send 127.0.0.1 PORT          socat -u -b 1200 - UDP-SENDTO:127.0.0.1:PORT
#       ncat -u --send-only 127.0.0.1 PORT
#     (socat -u: a bidirectional socat waits its 0.5 s -t timer after stdin EOF. OpenBSD nc -u is not
#     measured: it merges records into larger datagrams.) Figures: "udp-send, 1200 B" = N / the
#     sender's wall time from fork to exit, datagrams/s (higher better), and "...: received" = %
#     of N that arrived as whole 1200-byte datagrams (higher better).
# (b) udp-recv loss. A C pacer sends 1200-byte datagrams at a fixed offered rate (catch-up pacing
#     every 20 us) for 3 s (QUICK: 1 s); receivers, started first, ready, then given 0.3 s to settle:
#       nsock udp-recv -v -i 1 127.0.0.1 0 > fifo      (port from its readiness line)
#       socat -u -T 1 UDP-RECV:PORT,bind=127.0.0.1 - > fifo   (ready when `ss -lun` shows PORT)
#     each ending 1 s after the last datagram; `wc -c` counts what they wrote to stdout (raw
#     payloads, udp-recv's default format) and loss % = 1 - bytes/1200/sent (lower better). The
#     rate is socat's sustainable one, found first by a ladder (5k, 10k, 20k, ... datagrams/s for 1 s
#     each, the highest where socat loses at most 1%); UDP_RATE=N fixes it (QUICK: 20,000).
#
# Env (besides lib.sh's): UDP_SEND_N, UDP_RATE, UDP_RECV_SECONDS (3).
set -euo pipefail
_given_tmp=${BENCH_TMP:-}
source "$(dirname "$0")/../lib.sh"
T=$(mktemp -d "$BENCH_TMP/udp.XXXXXX")   # this part's scratch files (BENCH_TMP is shared by the parts)
read -r _load _ </proc/loadavg
awk -v l="$_load" 'BEGIN { exit !(l > 1.5) }' && say "udp: load average $_load: other work is running, the figures will be noisy"

PART=udp
DGRAM=1200
if [ "$QUICK" = 1 ]; then
  SEND_N=${UDP_SEND_N:-20000}; RECV_S=${UDP_RECV_SECONDS:-1}; RATE=${UDP_RATE:-20000}
else
  SEND_N=${UDP_SEND_N:-500000}; RECV_S=${UDP_RECV_SECONDS:-3}; RATE=${UDP_RATE:-}
fi
LIMIT=$((60 + SEND_N / 2000))   # seconds any one process may take (2,000 datagrams/s at worst)

# halt PID...: end processes started as `timeout ... CMD &` (timeout leads a process group of its
# own, so TERM to the group reaches everything under it); KILL after 2 s; reap.
halt() {
  local p
  for p in "$@"; do kill -TERM -- "-$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null || true; done
  for p in "$@"; do
    timeout 2 tail --pid="$p" -f /dev/null 2>/dev/null || kill -KILL -- "-$p" 2>/dev/null || kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
}

running=()
cleanup() {
  halt "${running[@]}"
  rm -rf "$T"
  [ -n "$_given_tmp" ] || rm -rf "$BENCH_TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
rm_running() { local keep=() p; for p in "${running[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done; running=("${keep[@]}"); }

have gcc || { say "udp: skipping the part: gcc is needed to build its helper"; exit 0; }
have ss || { say "udp: skipping the part: ss (iproute2) is needed to see socat bound"; exit 0; }
UDPB=$T/udpb
cat >"$UDPB.c" <<'EOF'
/* udpb: helpers for bench/parts/udp.sh (loopback only).
 *   udpb count SIZE IDLE_MS MAX_S   bind 127.0.0.1:0 with a 64 MiB receive buffer, print the port,
 *                                   count datagrams until IDLE_MS without one (after the first; 0:
 *                                   never), MAX_S in all, or SIGTERM, then what is still queued;
 *                                   print "count bytes wrong_size".
 *   udpb feed N SIZE LIMIT_S CMD... run CMD (stdout /dev/null) with stdin = one end of a
 *                                   SOCK_SEQPACKET socketpair, write N records of SIZE bytes to the
 *                                   other end, close it, wait for CMD (killed after LIMIT_S); print
 *                                   "wall_s records_written exit_status" (wall: fork to CMD's exit).
 *   udpb pace RATE N SIZE PORT      send N datagrams of SIZE bytes to 127.0.0.1:PORT at RATE/s
 *                                   (catch-up pacing every 20 us); print "sent elapsed_s".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
static volatile sig_atomic_t stop_flag;
static void on_term(int s) { (void)s; stop_flag = 1; }
static void die(const char *m) { perror(m); exit(2); }

static int count(long size, int idle_ms, double max_s) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) die("socket");
  int buf = 64 << 20;
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof buf) < 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) die("bind");
  socklen_t l = sizeof a;
  getsockname(fd, (struct sockaddr *)&a, &l);
  struct sigaction sa = {.sa_handler = on_term};
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  printf("%d\n", ntohs(a.sin_port));
  fflush(stdout);
  enum { B = 64 };
  static char bufs[B][65536];
  struct mmsghdr m[B];
  struct iovec io[B];
  long n = 0, bytes = 0, wrong = 0;
  double start = now(), last = 0;
  int final = 0;
  for (;;) {
    if (stop_flag) final = 1;   /* ended: take what is still queued, then stop */
    double t = now();
    if (idle_ms > 0 && n > 0 && (t - last) * 1000 >= idle_ms) final = 1;
    if (t - start >= max_s) final = 1;
    if (!final) {
      struct pollfd p = {.fd = fd, .events = POLLIN};
      if (poll(&p, 1, 20) <= 0) continue;
    }
    for (;;) {
      for (int i = 0; i < B; i++) {
        io[i].iov_base = bufs[i]; io[i].iov_len = sizeof bufs[i];
        memset(&m[i].msg_hdr, 0, sizeof m[i].msg_hdr);
        m[i].msg_hdr.msg_iov = &io[i]; m[i].msg_hdr.msg_iovlen = 1;
      }
      int r = recvmmsg(fd, m, B, MSG_DONTWAIT, NULL);
      if (r <= 0) break;
      for (int i = 0; i < r; i++) { n++; bytes += m[i].msg_len; if ((long)m[i].msg_len != size) wrong++; }
      last = now();
    }
    if (final) break;
  }
  printf("%ld %ld %ld\n", n, bytes, wrong);
  return 0;
}

static pid_t child;
static void on_alarm(int s) { (void)s; if (child > 0) kill(child, SIGKILL); }

static int feed(long n, long size, int limit, char **cmd) {
  int sp[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp) < 0) die("socketpair");
  signal(SIGPIPE, SIG_IGN);
  double start = now();
  pid_t pid = fork();
  if (pid < 0) die("fork");
  if (pid == 0) {
    dup2(sp[1], 0); close(sp[0]); close(sp[1]);
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0) { dup2(null, 1); close(null); }
    signal(SIGPIPE, SIG_DFL);
    execvp(cmd[0], cmd);
    perror(cmd[0]); _exit(127);
  }
  child = pid;
  struct sigaction sa = {.sa_handler = on_alarm};
  sigaction(SIGALRM, &sa, NULL);
  alarm(limit);
  close(sp[1]);
  char *rec = malloc(size);
  for (long i = 0; i < size; i++) rec[i] = (char)(i * 7 + 1);
  long w = 0;
  for (; w < n; w++) {
    memcpy(rec, &w, sizeof w < (size_t)size ? sizeof w : (size_t)size);
    ssize_t r = send(sp[0], rec, size, MSG_NOSIGNAL);
    if (r < 0) { if (errno == EINTR) { w--; continue; } break; }
  }
  close(sp[0]);
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
  double wall = now() - start;
  int code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  printf("%.6f %ld %d\n", wall, w, code);
  return 0;
}

static int pace(double rate, long n, long size, int port) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) die("socket");
  int sb = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sb, sizeof sb);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) die("connect");
  prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
  char *rec = calloc(1, size);
  enum { B = 64 };
  struct mmsghdr m[B];
  struct iovec io[B];
  for (int i = 0; i < B; i++) {
    io[i].iov_base = rec; io[i].iov_len = size;
    memset(&m[i].msg_hdr, 0, sizeof m[i].msg_hdr);
    m[i].msg_hdr.msg_iov = &io[i]; m[i].msg_hdr.msg_iovlen = 1;
  }
  long sent = 0;
  double start = now();
  struct timespec tick = {0, 20000};
  while (sent < n) {
    long due = (long)((now() - start) * rate) + 1;
    if (due > n) due = n;
    while (sent < due) {
      long k = due - sent; if (k > B) k = B;
      int r = sendmmsg(fd, m, k, 0);
      if (r < 0) { if (errno == ECONNREFUSED || errno == EINTR || errno == ENOBUFS || errno == EAGAIN) continue; die("sendmmsg"); }
      sent += r;
    }
    nanosleep(&tick, NULL);
  }
  printf("%ld %.6f\n", sent, now() - start);
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 5 && !strcmp(argv[1], "count")) return count(atol(argv[2]), atoi(argv[3]), atof(argv[4]));
  if (argc >= 6 && !strcmp(argv[1], "feed")) return feed(atol(argv[2]), atol(argv[3]), atoi(argv[4]), argv + 5);
  if (argc >= 6 && !strcmp(argv[1], "pace")) return pace(atof(argv[2]), atol(argv[3]), atol(argv[4]), atoi(argv[5]));
  fprintf(stderr, "usage: udpb count SIZE IDLE_MS MAX_S | feed N SIZE LIMIT_S CMD... | pace RATE N SIZE PORT\n");
  return 2;
}
EOF
gcc -O2 -o "$UDPB" "$UDPB.c" || { say "udp: skipping the part: the helper did not build"; exit 0; }

tools=()
for t in $(nsock_tools); do
  if [ -x "$(nsock_path "$t")" ]; then tools+=("$t"); else say "udp: skipping $t: no $(nsock_path "$t")"; fi
done
if have socat; then tools+=(socat); else say "udp: skipping socat: not installed"; fi
send_tools=("${tools[@]}")
if have ncat; then send_tools+=(ncat); else say "udp: skipping ncat (udp-send): not installed"; fi
have_openbsd_nc && say "udp: not measuring nc -u as a sender: it merges stdin records into larger datagrams"

# rotated TOOL... (uses $round): the tools, starting one further each round.
rotated() {
  local a=("$@") i
  for i in $(seq 0 $((${#a[@]} - 1))); do echo "${a[$(((i + round - 1) % ${#a[@]}))]}"; done
}

# (a) ---------------------------------------------------------------------------------------------
# send_once TOOL -> sets rate_ds, recv_pct; nonzero when the run failed.
send_once() {
  local tool=$1 out=$T/count.out port='' cmd
  rm -f "$out"
  timeout -k 5 "$LIMIT" "$UDPB" count "$DGRAM" 0 "$LIMIT" >"$out" &
  local cpid=$!; running+=("$cpid")
  for _ in $(seq 500); do port=$(head -1 "$out" 2>/dev/null || true); [ -n "$port" ] && break; sleep 0.01; done
  [ -n "$port" ] || { say "udp: the counter did not start"; halt "$cpid"; rm_running "$cpid"; return 1; }
  case $tool in
    nsock*) cmd=("$(nsock_path "$tool")" udp-send 127.0.0.1 "$port") ;;
    socat) cmd=(socat -u -b "$DGRAM" - "UDP-SENDTO:127.0.0.1:$port") ;;
    ncat) cmd=(ncat -u --send-only 127.0.0.1 "$port") ;;
  esac
  local wall=0 written=0 rc=fail
  timeout -k 5 $((LIMIT + 10)) "$UDPB" feed "$SEND_N" "$DGRAM" "$LIMIT" "${cmd[@]}" >"$T/feed.out" 2>"$T/send.err" &
  local fpid=$!; running+=("$fpid")
  wait "$fpid" || true
  rm_running "$fpid"
  read -r wall written rc <"$T/feed.out" || true
  # loopback delivery is done within each send, so all that arrived is queued by now
  sleep 0.2
  kill -TERM "$cpid" 2>/dev/null || true
  wait "$cpid" || true
  rm_running "$cpid"
  local n bytes wrong
  read -r n bytes wrong < <(tail -1 "$out")
  if [ "$rc" != 0 ] || [ "$written" != "$SEND_N" ]; then
    say "udp: ${cmd[*]}: exit $rc, took $written of $SEND_N records"; sed 's/^/  /' "$T/send.err" >&2
    return 1
  fi
  [ "$wrong" = 0 ] || say "udp: $tool: $wrong of $n datagrams were not $DGRAM bytes (records merged or split)"
  rate_ds=$(echo "$SEND_N / $wall" | bc -l)
  recv_pct=$(echo "100 * ($n - $wrong) / $SEND_N" | bc -l)
  note="${cmd[*]}"
  return 0
}

say "udp: (a) udp-send, $SEND_N datagrams of $DGRAM B; tools: ${send_tools[*]}; $ROUNDS round(s)"
for round in $(seq "$ROUNDS"); do
  for tool in $(rotated "${send_tools[@]}"); do
    send_once "$tool" || continue
    say "udp: udp-send round $round, $tool: $(printf '%.0f datagrams/s, %.2f%% received' "$rate_ds" "$recv_pct")"
    record "$PART" "udp-send, $DGRAM B" "$tool" "$(printf %.0f "$rate_ds")" datagrams/s higher "$SEND_N datagrams; ${note//$T/TMP}"
    record "$PART" "udp-send, $DGRAM B: received" "$tool" "$(printf %.3f "$recv_pct")" % higher
  done
done

# (b) ---------------------------------------------------------------------------------------------
rcvbuf_errors() { awk '/^Udp:/ { if (h) print $6; h = 1 }' /proc/net/snmp; }
free_udp_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# recv_once TOOL RATE COUNT -> sets loss_pct, delivered; nonzero when the run failed.
recv_once() {
  local tool=$1 rate=$2 count=$3 port='' err=$T/recv.err fifo=$T/recv.fifo
  rm -f "$fifo" "$T/recv.count"; mkfifo "$fifo"
  wc -c <"$fifo" >"$T/recv.count" &
  local wcpid=$!; running+=("$wcpid")
  local limit=$((30 + count / 1000))
  case $tool in
    nsock*) timeout -k 5 "$limit" "$(nsock_path "$tool")" udp-recv -v -i 1 127.0.0.1 0 </dev/null >"$fifo" 2>"$err" & ;;
    socat) port=$(free_udp_port)
      timeout -k 5 "$limit" socat -u -T 1 "UDP-RECV:$port,bind=127.0.0.1" - </dev/null >"$fifo" 2>"$err" & ;;
  esac
  local rpid=$!; running+=("$rpid")
  local ok=1
  case $tool in
    nsock*) port=$(wait_listening "$err" "$rpid") || ok=0 ;;
    socat)
      ok=0
      for _ in $(seq 1000); do
        ss -Hlun "sport = :$port" 2>/dev/null | grep -q . && { ok=1; break; }
        kill -0 "$rpid" 2>/dev/null || break
        sleep 0.01
      done ;;
  esac
  if [ "$ok" = 0 ]; then
    say "udp: $tool udp receiver did not come up"; cat "$err" >&2
    halt "$rpid" "$wcpid"; rm_running "$rpid"; rm_running "$wcpid"; return 1
  fi
  sleep 0.3
  local before sent elapsed rrc=0
  before=$(rcvbuf_errors)
  sent=0 elapsed=0
  timeout -k 5 "$limit" "$UDPB" pace "$rate" "$count" "$DGRAM" "$port" >"$T/pace.out" &
  local ppid=$!; running+=("$ppid")
  wait "$ppid" || true
  rm_running "$ppid"
  read -r sent elapsed <"$T/pace.out" || true
  wait "$rpid" || rrc=$?
  wait "$wcpid" || true
  rm_running "$rpid"; rm_running "$wcpid"
  local dropped=$(($(rcvbuf_errors) - before))
  # nsock ends by -i with exit 4, socat by -T with exit 0
  if [ "$sent" != "$count" ] || { [ "$rrc" != 0 ] && [ "$rrc" != 4 ]; }; then
    say "udp: $tool: receiver exit $rrc, sent $sent of $count"; sed 's/^/  /' "$err" >&2; return 1
  fi
  local bytes; bytes=$(tr -dc 0-9 <"$T/recv.count")
  [ $((bytes % DGRAM)) = 0 ] || say "udp: $tool wrote $bytes bytes, not a whole number of $DGRAM-byte datagrams"
  delivered=$((bytes / DGRAM))
  loss_pct=$(echo "100 * ($count - $delivered) / $count" | bc -l)
  say "udp: $tool at $rate/s: $delivered of $count delivered ($(printf %.2f "$loss_pct")% lost; kernel counted $dropped receive-buffer drops, all sockets)"
  return 0
}

if [ -z "$RATE" ]; then
  have socat || { say "udp: no socat to calibrate against; UDP_RATE=100000"; RATE=100000; }
fi
if [ -z "$RATE" ]; then
  say "udp: (b) finding socat's sustainable receive rate (at most 1% lost in 1 s)"
  RATE=5000
  for r in 5000 10000 20000 40000 80000 160000 320000 640000; do
    recv_once socat "$r" "$r" || break
    awk -v l="$loss_pct" 'BEGIN { exit !(l <= 1) }' || break
    RATE=$r
  done
fi
RECV_N=$((RATE * RECV_S))
say "udp: (b) udp-recv loss at $RATE datagrams/s for ${RECV_S}s; tools: ${tools[*]}; $ROUNDS round(s)"
for round in $(seq "$ROUNDS"); do
  for tool in $(rotated "${tools[@]}"); do
    recv_once "$tool" "$RATE" "$RECV_N" || continue
    record "$PART" "udp-recv loss, $DGRAM B at $RATE/s" "$tool" "$(printf %.3f "$loss_pct")" % lower "$delivered of $RECV_N delivered"
  done
done
