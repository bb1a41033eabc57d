/* Load generator for bench/parts/concurrency.sh: many TCP clients against one loopback server.
 *
 *   gcc -O2 -o loadgen bench/loadgen.c
 *   loadgen echo -c CONNS [-H HOST] -p PORT [-s SIZE] [-r REPS] [-n NSRC] [-t SECONDS] [-m INFLIGHT]
 *   loadgen idle -c CONNS [-H HOST] -p PORT [-s SIZE] [-n NSRC] [-t SECONDS] [-m INFLIGHT] [-i]
 *
 * echo: opens CONNS connections at once (non-blocking, epoll, one thread per worker process);
 *   on each it sends SIZE bytes (default 1024) and reads exactly SIZE bytes back, REPS times
 *   (default 1), checking every byte (each connection sends its own pattern), then half-closes
 *   (shutdown SHUT_WR), waits for the server's EOF and closes. Prints one line:
 *     echo conns=C completed=K failed=F connect=.. reset=.. short=.. mismatch=.. timeout=.. wall=S maxconn=S
 *   wall: seconds from the first connect to the last connection done; maxconn: the slowest
 *   connection's own time. Exit 0 only when every connection completed.
 * idle: opens CONNS connections (with -s SIZE > 0, does one SIZE-byte echo on each first) and holds
 *   them open without traffic. When every connection is established or has failed it prints
 *     established N failed F
 *   then holds them until SIGTERM/SIGINT, stdin EOF (-i only), or the deadline; a connection the
 *   server closes or resets meanwhile counts as dropped. Then closes all and prints
 *     idle conns=C established=N failed=F dropped=D held=S
 *   Exit 0 when every connection was established and none dropped.
 *
 * Source addresses: connection k binds 127.0.0.(1 + k % NSRC) (IP_BIND_ADDRESS_NO_PORT, so the
 * port is picked at connect time per 4-tuple): more than the ~28k ephemeral ports of one address.
 * Default NSRC = 2 + CONNS/10000. Only a loopback HOST (127.0.0.0/8) is accepted.
 * Descriptors: raises its soft RLIMIT_NOFILE to the hard limit; when CONNS does not fit one
 * process it forks workers (each its own epoll loop) and sums their results.
 * -t: a global deadline (default 120 s echo, 600 s idle); what is unfinished then is a timeout.
 * -m: at most INFLIGHT connects pending at once (default 0: no limit, all clients arrive at once).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

enum mode { ECHO, IDLE };
enum state { ST_FREE, ST_CONNECTING, ST_SENDING, ST_RECEIVING, ST_WAIT_EOF, ST_IDLE, ST_DONE };
enum outcome { OK, F_CONNECT, F_RESET, F_SHORT, F_MISMATCH, F_TIMEOUT, F_DROPPED, N_OUTCOMES };
static const char *outcome_name[] = {"ok", "connect", "reset", "short", "mismatch", "timeout", "dropped"};

struct conn {
    int fd;
    uint8_t state;
    uint32_t id;     /* global index: pattern and source address */
    uint32_t rep;    /* echoes done */
    uint32_t sent;   /* bytes of this echo sent */
    uint32_t recvd;  /* bytes of this echo received */
    double start;
};

static struct {
    enum mode mode;
    struct in_addr host;
    int port, conns, size, reps, nsrc, inflight_max, watch_stdin;
    double deadline_s;
} cfg;

static volatile sig_atomic_t stop_flag;
static void on_signal(int sig) { (void)sig; stop_flag = 1; }

static double mono(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline uint8_t pat(uint32_t id, uint32_t rep, uint32_t off) {
    return (uint8_t)(id * 131u + rep * 17u + off * 7u + (off >> 8));
}

static void usage(void) {
    fprintf(stderr, "usage: loadgen echo|idle -c CONNS -p PORT [-H 127.0.0.1] [-s SIZE] [-r REPS] [-n NSRC] [-t SECONDS] [-m INFLIGHT] [-i]\n");
    exit(2);
}

/* ---- one worker: connections [first, first+count) in one epoll loop; results as lines on out ---- */

struct result {
    long n[N_OUTCOMES];
    long established;
    double t_first, t_last, max_conn;
};

static int epfd;
static struct conn *cs;
static struct result res;
static long active;   /* connections not yet ST_DONE */
static long connecting; /* connects pending */
static long settled;  /* idle mode: connections idle or done */

static void finish(struct conn *c, enum outcome o) {
    if (c->state == ST_DONE) return;
    if (c->fd >= 0) {
        epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
        close(c->fd);
        c->fd = -1;
    }
    if (c->state == ST_CONNECTING) connecting--;
    if (c->state != ST_IDLE) settled++;
    c->state = ST_DONE;
    res.n[o]++;
    active--;
    double now = mono();
    if (now > res.t_last) res.t_last = now;
    if (o == OK && now - c->start > res.max_conn) res.max_conn = now - c->start;
}

static void want(struct conn *c, uint32_t ev) {
    struct epoll_event e = {.events = ev, .data.ptr = c};
    epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &e);
}

static void start_connect(struct conn *c) {
    c->start = mono();
    if (res.t_first == 0) res.t_first = c->start;
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0) { perror("loadgen: socket"); finish(c, F_CONNECT); return; }
    int one = 1;
    setsockopt(c->fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct sockaddr_in src = {.sin_family = AF_INET, .sin_port = 0};
    src.sin_addr.s_addr = htonl(0x7f000001u + (c->id % (uint32_t)cfg.nsrc));
    c->state = ST_CONNECTING;
    connecting++;
    if (bind(c->fd, (struct sockaddr *)&src, sizeof src) < 0) { finish(c, F_CONNECT); return; }
    struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons(cfg.port), .sin_addr = cfg.host};
    if (connect(c->fd, (struct sockaddr *)&dst, sizeof dst) < 0 && errno != EINPROGRESS) {
        finish(c, F_CONNECT);
        return;
    }
    struct epoll_event e = {.events = EPOLLOUT, .data.ptr = c};
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &e) < 0) { perror("loadgen: epoll_ctl"); finish(c, F_CONNECT); }
}

static void begin_echo(struct conn *c) {
    c->sent = c->recvd = 0;
    c->state = ST_SENDING;
}

static void became_idle(struct conn *c) {
    c->state = ST_IDLE;
    settled++;
    res.established++;
    want(c, EPOLLIN | EPOLLRDHUP);
}

static void echo_done(struct conn *c) {
    c->rep++;
    if (cfg.mode == IDLE) { became_idle(c); return; }
    if (c->rep < (uint32_t)cfg.reps) { begin_echo(c); want(c, EPOLLOUT | EPOLLIN); return; }
    shutdown(c->fd, SHUT_WR);
    c->state = ST_WAIT_EOF;
    want(c, EPOLLIN | EPOLLRDHUP);
}

static void handle(struct conn *c, uint32_t ev) {
    uint8_t buf[65536];
    if (c->state == ST_CONNECTING) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err || (ev & (EPOLLERR | EPOLLHUP))) { finish(c, F_CONNECT); return; }
        connecting--;
        if (cfg.mode == IDLE && cfg.size == 0) { became_idle(c); return; }
        begin_echo(c);
        want(c, EPOLLOUT | EPOLLIN);
        ev = EPOLLOUT; /* try sending now */
    }
    if (c->state == ST_SENDING || c->state == ST_RECEIVING) {
        if (c->sent < (uint32_t)cfg.size && (ev & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
            uint32_t n = (uint32_t)cfg.size - c->sent;
            if (n > sizeof buf) n = sizeof buf;
            for (uint32_t i = 0; i < n; i++) buf[i] = pat(c->id, c->rep, c->sent + i);
            ssize_t w = send(c->fd, buf, n, MSG_NOSIGNAL);
            if (w < 0 && errno != EAGAIN && errno != EINTR) { finish(c, F_RESET); return; }
            if (w > 0) c->sent += (uint32_t)w;
            if (c->sent == (uint32_t)cfg.size) { c->state = ST_RECEIVING; want(c, EPOLLIN | EPOLLRDHUP); }
        }
        if (ev & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP)) {
            for (;;) {
                uint32_t n = (uint32_t)cfg.size - c->recvd;
                if (n == 0) break;
                if (n > sizeof buf) n = sizeof buf;
                ssize_t r = recv(c->fd, buf, n, 0);
                if (r < 0) {
                    if (errno == EAGAIN || errno == EINTR) break;
                    finish(c, F_RESET); /* ECONNRESET and the like */
                    return;
                }
                if (r == 0) { finish(c, F_SHORT); return; }
                for (ssize_t i = 0; i < r; i++)
                    if (buf[i] != pat(c->id, c->rep, c->recvd + (uint32_t)i)) { finish(c, F_MISMATCH); return; }
                c->recvd += (uint32_t)r;
            }
            if (c->recvd > c->sent) { finish(c, F_MISMATCH); return; } /* echoed what was never sent */
            if (c->recvd == (uint32_t)cfg.size && c->sent == (uint32_t)cfg.size) echo_done(c);
        }
        return;
    }
    if (c->state == ST_WAIT_EOF) {
        ssize_t r = recv(c->fd, buf, sizeof buf, 0);
        if (r == 0) { finish(c, OK); return; }
        if (r > 0) { finish(c, F_MISMATCH); return; }
        if (errno != EAGAIN && errno != EINTR) finish(c, F_RESET); /* ECONNRESET and the like */
        return;
    }
    if (c->state == ST_IDLE) {
        ssize_t r = recv(c->fd, buf, sizeof buf, MSG_DONTWAIT);
        if (r < 0 && (errno == EAGAIN || errno == EINTR)) return;
        finish(c, F_DROPPED); /* EOF, reset, or unasked-for data: the server did not just hold it */
    }
}

static void report_line(int out, const char *tag) {
    char line[512];
    int len = snprintf(line, sizeof line, "%s %ld %ld %ld %ld %ld %ld %ld %ld %.6f %.6f %.6f\n", tag,
                       res.n[OK], res.n[F_CONNECT], res.n[F_RESET], res.n[F_SHORT], res.n[F_MISMATCH],
                       res.n[F_TIMEOUT], res.n[F_DROPPED], res.established, res.t_first, res.t_last, res.max_conn);
    if (write(out, line, (size_t)len) < 0) _exit(3);
}

static int worker(long first, long count, double deadline, int out) {
    epfd = epoll_create1(EPOLL_CLOEXEC);
    cs = calloc((size_t)count, sizeof *cs);
    if (epfd < 0 || !cs) { perror("loadgen"); return 3; }
    for (long i = 0; i < count; i++) { cs[i].fd = -1; cs[i].id = (uint32_t)(first + i); cs[i].state = ST_FREE; }
    active = count;
    long next = 0;
    int reported_established = 0;
    struct epoll_event evs[1024];
    while (!stop_flag) {
        /* start connects in batches so events are served while the rest are still being opened */
        for (int b = 0; b < 256 && next < count && (!cfg.inflight_max || connecting < cfg.inflight_max); b++)
            start_connect(&cs[next++]);
        if (cfg.mode == IDLE) {
            if (settled == count && !reported_established) {
                reported_established = 1;
                res.t_last = mono();
                report_line(out, "E");
            }
        } else if (active == 0) {
            break;
        }
        double now = mono();
        if (now >= deadline) break;
        int timeout_ms = (next < count) ? 0 : (int)((deadline - now) * 1000) + 1;
        if (timeout_ms > 200) timeout_ms = 200;
        int n = epoll_wait(epfd, evs, 1024, timeout_ms);
        if (n < 0 && errno != EINTR) { perror("loadgen: epoll_wait"); break; }
        for (int i = 0; i < n; i++) handle(evs[i].data.ptr, evs[i].events);
    }
    /* whatever is not done now: idle connections are simply closed, the rest are timeouts */
    if (cfg.mode == IDLE && !reported_established) {
        for (long i = 0; i < count; i++)
            if (cs[i].state != ST_IDLE && cs[i].state != ST_DONE) finish(&cs[i], F_TIMEOUT);
        res.t_last = mono();
        report_line(out, "E");
    }
    double held_end = mono();
    for (long i = 0; i < count; i++) {
        if (cs[i].state == ST_DONE) continue;
        if (cs[i].state == ST_IDLE) { close(cs[i].fd); cs[i].fd = -1; cs[i].state = ST_DONE; res.n[OK]++; active--; continue; }
        finish(&cs[i], F_TIMEOUT);
    }
    if (cfg.mode == IDLE) res.t_last = held_end;
    report_line(out, "R");
    return 0;
}

/* ---- the parent: forks workers, sums their lines ---- */

int main(int argc, char **argv) {
    if (argc < 2) usage();
    if (!strcmp(argv[1], "echo")) cfg.mode = ECHO;
    else if (!strcmp(argv[1], "idle")) cfg.mode = IDLE;
    else usage();
    cfg.host.s_addr = htonl(0x7f000001u);
    cfg.size = -1;
    cfg.reps = 1;
    cfg.deadline_s = -1;
    int opt;
    optind = 2;
    while ((opt = getopt(argc, argv, "H:p:c:s:r:n:t:m:i")) != -1) {
        switch (opt) {
        case 'H': if (inet_pton(AF_INET, optarg, &cfg.host) != 1) usage(); break;
        case 'p': cfg.port = atoi(optarg); break;
        case 'c': cfg.conns = atoi(optarg); break;
        case 's': cfg.size = atoi(optarg); break;
        case 'r': cfg.reps = atoi(optarg); break;
        case 'n': cfg.nsrc = atoi(optarg); break;
        case 't': cfg.deadline_s = atof(optarg); break;
        case 'm': cfg.inflight_max = atoi(optarg); break;
        case 'i': cfg.watch_stdin = 1; break;
        default: usage();
        }
    }
    if ((ntohl(cfg.host.s_addr) >> 24) != 127) { fprintf(stderr, "loadgen: only loopback targets (127.0.0.0/8)\n"); return 2; }
    if (cfg.port <= 0 || cfg.port > 65535 || cfg.conns <= 0 || cfg.reps <= 0) usage();
    if (cfg.size < 0) cfg.size = cfg.mode == ECHO ? 1024 : 0;
    if (cfg.mode == ECHO && cfg.size == 0) usage();
    if (cfg.nsrc <= 0) cfg.nsrc = 2 + cfg.conns / 10000;
    if (cfg.nsrc > 254) cfg.nsrc = 254;
    if (cfg.deadline_s < 0) cfg.deadline_s = cfg.mode == ECHO ? 120 : 600;

    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) < 0) perror("loadgen: setrlimit");
    getrlimit(RLIMIT_NOFILE, &rl);
    long per = (rl.rlim_cur == RLIM_INFINITY ? 1L << 20 : (long)rl.rlim_cur) - 32;
    if (per < 1) { fprintf(stderr, "loadgen: no descriptors\n"); return 3; }
    long procs = (cfg.conns + per - 1) / per;
    if (procs > 1) fprintf(stderr, "loadgen: %ld connections in %ld worker processes (RLIMIT_NOFILE %ld)\n", (long)cfg.conns, procs, per + 32);

    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    int pfd[2];
    if (pipe(pfd) < 0) { perror("loadgen: pipe"); return 3; }
    double deadline = mono() + cfg.deadline_s;
    pid_t *kids = calloc((size_t)procs, sizeof *kids);
    long base = cfg.conns / procs, extra = cfg.conns % procs, first = 0;
    for (long p = 0; p < procs; p++) {
        long count = base + (p < extra);
        pid_t pid = fork();
        if (pid < 0) { perror("loadgen: fork"); return 3; }
        if (pid == 0) {
            close(pfd[0]);
            _exit(worker(first, count, deadline, pfd[1]));
        }
        kids[p] = pid;
        first += count;
    }
    close(pfd[1]);

    /* sum the workers' lines: one "E" each (idle), one "R" each */
    struct result e = {0}, r = {0};
    long e_seen = 0, r_seen = 0;
    e.t_first = r.t_first = 1e300;
    char buf[8192], *line;
    size_t have = 0;
    int kids_signalled = 0, stdin_open = cfg.watch_stdin;
    while (r_seen < procs) {
        struct pollfd pf[2] = {{.fd = pfd[0], .events = POLLIN}, {.fd = 0, .events = POLLIN}};
        int np = poll(pf, stdin_open && e_seen == procs ? 2 : 1, 200);
        if (np > 0 && stdin_open && e_seen == procs && pf[1].revents) {
            char c[512];
            ssize_t k = read(0, c, sizeof c);
            if (k == 0 || (k < 0 && errno != EINTR && errno != EAGAIN)) { stdin_open = 0; stop_flag = 1; }
        }
        if (stop_flag && !kids_signalled) {
            for (long p = 0; p < procs; p++) kill(kids[p], SIGTERM);
            kids_signalled = 1;
        }
        if (mono() > deadline + 10) {
            fprintf(stderr, "loadgen: workers did not report; killing them\n");
            for (long p = 0; p < procs; p++) kill(kids[p], SIGKILL);
            break;
        }
        if (np <= 0 || !pf[0].revents) continue;
        ssize_t n = read(pfd[0], buf + have, sizeof buf - 1 - have);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        have += (size_t)n;
        buf[have] = 0;
        char *end;
        while ((end = memchr(buf, '\n', have))) {
            *end = 0;
            line = buf;
            struct result x = {0};
            char tag;
            if (sscanf(line, "%c %ld %ld %ld %ld %ld %ld %ld %ld %lf %lf %lf", &tag, &x.n[0], &x.n[1], &x.n[2], &x.n[3],
                       &x.n[4], &x.n[5], &x.n[6], &x.established, &x.t_first, &x.t_last, &x.max_conn) == 12) {
                struct result *t = tag == 'E' ? &e : &r;
                for (int k = 0; k < N_OUTCOMES; k++) t->n[k] += x.n[k];
                t->established += x.established;
                if (x.t_first > 0 && x.t_first < t->t_first) t->t_first = x.t_first;
                if (x.t_last > t->t_last) t->t_last = x.t_last;
                if (x.max_conn > t->max_conn) t->max_conn = x.max_conn;
                if (tag == 'E' && ++e_seen == procs) {
                    long failed = e.n[F_CONNECT] + e.n[F_RESET] + e.n[F_SHORT] + e.n[F_MISMATCH] + e.n[F_TIMEOUT] + e.n[F_DROPPED];
                    printf("established %ld failed %ld\n", e.established, failed);
                    fflush(stdout);
                }
                if (tag == 'R') r_seen++;
            }
            size_t used = (size_t)(end - buf) + 1;
            memmove(buf, end + 1, have - used);
            have -= used;
        }
    }
    for (long p = 0; p < procs; p++) waitpid(kids[p], NULL, 0);

    long failed = 0;
    for (int k = 1; k < N_OUTCOMES; k++) failed += r.n[k];
    long missing = cfg.conns - (r.n[OK] + failed); /* workers that never reported */
    if (missing > 0) { r.n[F_TIMEOUT] += missing; failed += missing; }
    if (r.t_first > 1e299) r.t_first = r.t_last;
    if (cfg.mode == ECHO) {
        printf("echo conns=%d completed=%ld failed=%ld", cfg.conns, r.n[OK], failed);
    } else {
        printf("idle conns=%d established=%ld failed=%ld", cfg.conns, e.established, failed);
    }
    for (int k = 1; k < N_OUTCOMES; k++) printf(" %s=%ld", outcome_name[k], r.n[k]);
    if (cfg.mode == ECHO)
        printf(" wall=%.3f maxconn=%.3f\n", r.t_last - r.t_first, r.max_conn);
    else
        printf(" held=%.3f\n", r.t_last - e.t_last);
    fflush(stdout);
    return failed == 0 && missing <= 0 ? 0 : 1;
}
