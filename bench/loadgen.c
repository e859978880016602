// Load generator for RFC 868 servers: concurrent TCP or UDP time requests over epoll, every reply checked, one JSON line out.
//
// Usage: loadgen --mode tcp|udp --host ADDR --port N [--concurrency C] [--requests N] [--duration S] [--timeout-ms T]
//                [--linger-ms L]
//
// Each of C slots keeps one request in flight until N requests were started or S seconds passed, then the
// in-flight ones finish or time out. Every request ends in exactly one outcome, so the counts always add up
// to `requested` (checked before printing). A reply is ok only if it is exactly 4 bytes followed by EOF
// (TCP) or one 4-byte datagram (UDP), carrying a time within MAX_SKEW_S of this machine's clock.
// UDP: a datagram that arrives when its slot has nothing in flight is an extra; --linger-ms keeps the sockets
// open that long after the last outcome, so extras still on their way are counted too.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SECONDS_1900_TO_1970 2208988800ULL
#define MAX_SKEW_S 2
#define MAX_EVENTS 512
/* After a local failure (out of fds or ephemeral ports) wait this long before starting more: no busy spin. */
#define CLIENT_BACKOFF_NS 1000000ULL

enum outcome {
  OK,
  WRONG_EMPTY,    /* TCP: EOF before any byte */
  WRONG_SHORT,    /* fewer than 4 bytes */
  WRONG_LONG,     /* more than 4 bytes */
  WRONG_VALUE,    /* 4 bytes, but not within MAX_SKEW_S of the clock */
  WRONG_NO_EOF,   /* TCP: bytes arrived but the server never closed */
  RESET,          /* refused or reset (TCP RST, ICMP port unreachable) */
  TIMED_OUT,      /* TCP: the handshake never completed */
  NEVER_ANSWERED, /* TCP: connected, then no byte and no EOF before the timeout */
  LOST,           /* UDP: no reply datagram before the timeout */
  CLIENT_ERROR,   /* this process could not start the request (EMFILE, EADDRNOTAVAIL, ...) */
  N_OUTCOMES
};

struct options {
  int udp;
  const char *host;
  int port;
  int concurrency;
  long requests;
  double duration_s;
  int timeout_ms;
  int linger_ms;
};

struct slot {
  int fd;           /* -1 when closed; a UDP slot keeps its socket between requests */
  int in_flight;
  int connected;    /* TCP: the handshake completed */
  uint32_t got;     /* reply bytes received so far */
  unsigned char reply[4];
  uint64_t started_ns;
  struct slot *older, *newer; /* the in-flight list, oldest first: one timeout for all, so oldest = next deadline */
};

static struct options opt = {0, "127.0.0.1", 0, 1, 1000000000L, 10.0, 2000, 0};
static struct sockaddr_storage server;
static socklen_t server_len;
static struct slot *slots;
static int *idle;          /* a stack of slot indexes with nothing in flight */
static int idle_count;
static struct slot *oldest, *newest;
static int epfd;
static long started, counts[N_OUTCOMES], extra_datagrams;
static uint64_t start_ns, issue_end_ns, last_done_ns, retry_at_ns;
static long ok_in_window;
static uint32_t *latencies_us;
static size_t latency_count, latency_cap;

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void die(const char *what) {
  fprintf(stderr, "loadgen: %s: %s\n", what, strerror(errno));
  exit(2);
}

static void usage(const char *problem) {
  fprintf(stderr, "loadgen: %s\nusage: loadgen --mode tcp|udp --host ADDR --port N [--concurrency C] [--requests N] [--duration S] [--timeout-ms T] [--linger-ms L]\n", problem);
  exit(2);
}

static void parse_args(int argc, char **argv) {
  for (int i = 1; i < argc; i += 2) {
    if (i + 1 >= argc) usage("every option takes a value");
    const char *name = argv[i], *value = argv[i + 1];
    if (!strcmp(name, "--mode")) {
      if (strcmp(value, "tcp") && strcmp(value, "udp")) usage("--mode is tcp or udp");
      opt.udp = !strcmp(value, "udp");
    } else if (!strcmp(name, "--host")) opt.host = value;
    else if (!strcmp(name, "--port")) opt.port = atoi(value);
    else if (!strcmp(name, "--concurrency")) opt.concurrency = atoi(value);
    else if (!strcmp(name, "--requests")) opt.requests = atol(value);
    else if (!strcmp(name, "--duration")) opt.duration_s = atof(value);
    else if (!strcmp(name, "--timeout-ms")) opt.timeout_ms = atoi(value);
    else if (!strcmp(name, "--linger-ms")) opt.linger_ms = atoi(value);
    else usage("unknown option");
  }
  if (opt.port < 1 || opt.port > 65535) usage("--port must be 1..65535");
  if (opt.concurrency < 1 || opt.concurrency > 10000) usage("--concurrency must be 1..10000");
  if (opt.requests < 1) usage("--requests must be at least 1");
  if (opt.duration_s <= 0) usage("--duration must be positive");
  if (opt.timeout_ms < 1) usage("--timeout-ms must be positive");
  if (opt.linger_ms < 0) usage("--linger-ms must not be negative");
}

static void resolve_server(void) {
  memset(&server, 0, sizeof server);
  struct sockaddr_in *v4 = (struct sockaddr_in *)&server;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&server;
  if (inet_pton(AF_INET, opt.host, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons((uint16_t)opt.port);
    server_len = sizeof *v4;
  } else if (inet_pton(AF_INET6, opt.host, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons((uint16_t)opt.port);
    server_len = sizeof *v6;
  } else {
    usage("--host must be an IPv4 or IPv6 address literal");
  }
}

/* Exactly 4 bytes whose value, read as RFC 868 time, is within MAX_SKEW_S of our clock (mod 2^32, so 2036 is fine). */
static enum outcome judge_reply(uint64_t length, const unsigned char *bytes) {
  if (length < 4) return WRONG_SHORT;
  if (length > 4) return WRONG_LONG;
  uint32_t value = (uint32_t)bytes[0] << 24 | (uint32_t)bytes[1] << 16 | (uint32_t)bytes[2] << 8 | bytes[3];
  struct timespec real;
  clock_gettime(CLOCK_REALTIME, &real);
  uint32_t expected = (uint32_t)((uint64_t)real.tv_sec + SECONDS_1900_TO_1970);
  int32_t skew = (int32_t)(value - expected);
  return skew >= -MAX_SKEW_S && skew <= MAX_SKEW_S ? OK : WRONG_VALUE;
}

static void record_latency(uint64_t ns) {
  if (latency_count == latency_cap) {
    latency_cap = latency_cap ? latency_cap * 2 : 65536;
    latencies_us = realloc(latencies_us, latency_cap * sizeof *latencies_us);
    if (!latencies_us) die("realloc");
  }
  uint64_t us = ns / 1000;
  latencies_us[latency_count++] = us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
}

static void unlink_in_flight(struct slot *s) {
  if (s->older) s->older->newer = s->newer; else oldest = s->newer;
  if (s->newer) s->newer->older = s->older; else newest = s->older;
  s->older = s->newer = NULL;
}

static void close_slot(struct slot *s, int abort_connection) {
  if (s->fd < 0) return;
  if (abort_connection) {
    /* An RST, so a half-open connection leaves nothing behind on either side. */
    struct linger hard = {1, 0};
    setsockopt(s->fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
  }
  close(s->fd); /* also removes it from the epoll set */
  s->fd = -1;
}

/* Every request ends here exactly once. */
static void finish(struct slot *s, enum outcome outcome) {
  uint64_t now = now_ns();
  counts[outcome]++;
  if (outcome == OK) {
    record_latency(now - s->started_ns);
    if (now <= issue_end_ns) ok_in_window++;
  }
  if (outcome != CLIENT_ERROR) last_done_ns = now;
  if (s->in_flight) unlink_in_flight(s);
  s->in_flight = 0;
  /* TCP: one connection per request. UDP: a fresh socket after any failure, so a late reply is never taken for the next one's. */
  if (!opt.udp) close_slot(s, outcome != OK && outcome >= WRONG_NO_EOF);
  else if (outcome != OK) close_slot(s, 0);
  idle[idle_count++] = (int)(s - slots);
}

static int can_issue(uint64_t now) {
  return started < opt.requests && now < issue_end_ns;
}

/* Open the slot's socket if needed and send or connect. Returns 1 if the request is now in flight. */
static int start_request(struct slot *s) {
  started++;
  s->got = 0;
  s->connected = 0;
  s->started_ns = now_ns();
  if (s->fd < 0) {
    s->fd = socket(server.ss_family, (opt.udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s->fd < 0) return finish(s, CLIENT_ERROR), 0;
    if (opt.udp && connect(s->fd, (struct sockaddr *)&server, server_len) != 0) {
      /* A connected UDP socket takes replies only from the server and reports ICMP port unreachable. */
      return finish(s, CLIENT_ERROR), 0;
    }
    struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP | EPOLLET | (opt.udp ? 0 : EPOLLOUT), .data.u32 = (uint32_t)(s - slots)};
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, s->fd, &ev) != 0) die("epoll_ctl");
  }
  int rc;
  if (opt.udp) {
    /* Alternate empty and 1-byte requests: both must be answered. */
    rc = send(s->fd, "?", (size_t)(started & 1), 0) < 0 ? -1 : 0;
  } else {
    rc = connect(s->fd, (struct sockaddr *)&server, server_len);
    if (rc == 0) s->connected = 1;
    else if (errno == EINPROGRESS) rc = 0;
  }
  if (rc != 0) {
    int refused = errno == ECONNREFUSED || errno == ECONNRESET;
    return finish(s, refused ? RESET : CLIENT_ERROR), 0;
  }
  s->in_flight = 1;
  s->older = newest;
  s->newer = NULL;
  if (newest) newest->newer = s; else oldest = s;
  newest = s;
  return 1;
}

static void refill(void) {
  uint64_t now = now_ns();
  if (now < retry_at_ns) return;
  while (idle_count > 0 && can_issue(now)) {
    struct slot *s = &slots[idle[--idle_count]];
    long client_errors = counts[CLIENT_ERROR];
    start_request(s);
    if (counts[CLIENT_ERROR] != client_errors) {
      retry_at_ns = now_ns() + CLIENT_BACKOFF_NS;
      return;
    }
  }
}

/* Edge-triggered: read until EAGAIN. Bytes then EOF is a reply to judge; an error is a reset. */
static void on_tcp_event(struct slot *s, uint32_t events) {
  if (!s->in_flight) return;
  if ((events & EPOLLOUT) && !(events & EPOLLERR)) s->connected = 1;
  if (!(events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) return;
  unsigned char buf[64];
  for (;;) {
    ssize_t n = read(s->fd, buf, sizeof buf);
    if (n > 0) {
      s->connected = 1;
      for (ssize_t i = 0; i < n && s->got + i < 4; i++) s->reply[s->got + i] = buf[i];
      s->got += (uint32_t)n;
      continue;
    }
    if (n == 0) return finish(s, s->got == 0 ? WRONG_EMPTY : judge_reply(s->got, s->reply));
    if (errno == EINTR) continue;
    if (errno == EAGAIN) return;
    return finish(s, RESET);
  }
}

/* Edge-triggered: drain the socket. The first datagram answers the request; any other is one nobody asked for. */
static void on_udp_event(struct slot *s) {
  unsigned char buf[64];
  while (s->fd >= 0) {
    ssize_t n = recv(s->fd, buf, sizeof buf, MSG_TRUNC); /* MSG_TRUNC: the real length, even of a long datagram */
    if (n >= 0) {
      if (s->in_flight) finish(s, judge_reply((uint64_t)n, buf));
      else extra_datagrams++;
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN) return;
    if (s->in_flight) return finish(s, RESET);
    return;
  }
}

/*
 * UDP, after the last outcome: count what still arrives until `until_ns`. Without a request id, a doubled
 * reply that lands after the slot's next request is taken as that one's answer, and the one nobody asked
 * for comes later still; only a wait after the run sees every datagram a server sent.
 */
static void linger(uint64_t until_ns) {
  struct epoll_event events[MAX_EVENTS];
  for (uint64_t now = now_ns(); now < until_ns; now = now_ns()) {
    int n = epoll_wait(epfd, events, MAX_EVENTS, (int)((until_ns - now + 999999) / 1000000));
    if (n < 0 && errno != EINTR) die("epoll_wait");
    for (int i = 0; i < n; i++) on_udp_event(&slots[events[i].data.u32]);
  }
}

/* The oldest requests past the timeout: classify by how far they got. */
static void expire(uint64_t now) {
  uint64_t timeout_ns = (uint64_t)opt.timeout_ms * 1000000ULL;
  while (oldest && now - oldest->started_ns >= timeout_ns) {
    struct slot *s = oldest;
    if (opt.udp) {
      finish(s, LOST);
      continue;
    }
    if (!s->connected) {
      /* The EPOLLOUT may still be queued: ask the kernel whether the handshake completed. */
      struct tcp_info info;
      socklen_t len = sizeof info;
      if (getsockopt(s->fd, IPPROTO_TCP, TCP_INFO, &info, &len) == 0 && info.tcpi_state == TCP_ESTABLISHED) s->connected = 1;
    }
    finish(s, !s->connected ? TIMED_OUT : s->got == 0 ? NEVER_ANSWERED : WRONG_NO_EOF);
  }
}

static int next_wait_ms(uint64_t now) {
  uint64_t wake = UINT64_MAX;
  if (oldest) wake = oldest->started_ns + (uint64_t)opt.timeout_ms * 1000000ULL;
  if (idle_count > 0 && can_issue(now)) {
    uint64_t retry = retry_at_ns > now ? retry_at_ns : now;
    if (retry < wake) wake = retry;
  }
  if (wake == UINT64_MAX) return -1;
  if (wake <= now) return 0;
  return (int)((wake - now + 999999) / 1000000);
}

static int compare_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

/* Nearest-rank percentile of the sorted latencies. */
static uint32_t percentile(double p) {
  if (latency_count == 0) return 0;
  size_t rank = (size_t)(p * (double)latency_count + 0.999999);
  if (rank < 1) rank = 1;
  if (rank > latency_count) rank = latency_count;
  return latencies_us[rank - 1];
}

static double cpu_seconds(void) {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return (double)(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + (double)(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

static void print_results(void) {
  long wrong = counts[WRONG_EMPTY] + counts[WRONG_SHORT] + counts[WRONG_LONG] + counts[WRONG_VALUE] + counts[WRONG_NO_EOF] + extra_datagrams;
  long ended = 0;
  for (int i = 0; i < N_OUTCOMES; i++) ended += counts[i];
  if (ended != started) {
    fprintf(stderr, "loadgen: bug: %ld requests started but %ld ended\n", started, ended);
    exit(3);
  }
  uint64_t end = last_done_ns ? last_done_ns : now_ns();
  uint64_t window_end = end < issue_end_ns ? end : issue_end_ns;
  double window_s = (double)(window_end - start_ns) / 1e9;
  qsort(latencies_us, latency_count, sizeof *latencies_us, compare_u32);
  printf("{\"mode\":\"%s\",\"host\":\"%s\",\"port\":%d,\"concurrency\":%d,\"timeout_ms\":%d,"
         "\"requested\":%ld,\"ok\":%ld,\"wrong\":%ld,"
         "\"wrong_detail\":{\"empty\":%ld,\"short\":%ld,\"long\":%ld,\"value\":%ld,\"no_eof\":%ld,\"extra\":%ld},"
         "\"reset\":%ld,\"timed_out\":%ld,\"never_answered\":%ld,\"lost\":%ld,\"client_errors\":%ld,"
         "\"elapsed_s\":%.6f,\"window_s\":%.6f,\"ok_in_window\":%ld,\"rps\":%.1f,"
         "\"latency_us\":{\"p50\":%u,\"p99\":%u,\"max\":%u},\"loadgen_cpu_s\":%.6f}\n",
         opt.udp ? "udp" : "tcp", opt.host, opt.port, opt.concurrency, opt.timeout_ms,
         started, counts[OK], wrong,
         counts[WRONG_EMPTY], counts[WRONG_SHORT], counts[WRONG_LONG], counts[WRONG_VALUE], counts[WRONG_NO_EOF], extra_datagrams,
         counts[RESET], counts[TIMED_OUT], counts[NEVER_ANSWERED], counts[LOST], counts[CLIENT_ERROR],
         (double)(end - start_ns) / 1e9, window_s, ok_in_window, window_s > 0 ? (double)ok_in_window / window_s : 0.0,
         percentile(0.50), percentile(0.99), latency_count ? latencies_us[latency_count - 1] : 0, cpu_seconds());
}

int main(int argc, char **argv) {
  parse_args(argc, argv);
  resolve_server();
  slots = calloc((size_t)opt.concurrency, sizeof *slots);
  idle = calloc((size_t)opt.concurrency, sizeof *idle);
  if (!slots || !idle) die("calloc");
  for (int i = 0; i < opt.concurrency; i++) {
    slots[i].fd = -1;
    idle[idle_count++] = opt.concurrency - 1 - i;
  }
  epfd = epoll_create1(EPOLL_CLOEXEC);
  if (epfd < 0) die("epoll_create1");

  start_ns = now_ns();
  issue_end_ns = start_ns + (uint64_t)(opt.duration_s * 1e9);
  struct epoll_event events[MAX_EVENTS];
  for (;;) {
    refill();
    uint64_t now = now_ns();
    if (!oldest && !(idle_count > 0 && can_issue(now))) break;
    int n = epoll_wait(epfd, events, MAX_EVENTS, next_wait_ms(now));
    if (n < 0) {
      if (errno == EINTR) continue;
      die("epoll_wait");
    }
    for (int i = 0; i < n; i++) {
      struct slot *s = &slots[events[i].data.u32];
      if (opt.udp) on_udp_event(s);
      else on_tcp_event(s, events[i].events);
    }
    expire(now_ns());
  }
  if (opt.udp && opt.linger_ms > 0) linger(now_ns() + (uint64_t)opt.linger_ms * 1000000ULL);
  print_results();
  return 0;
}
