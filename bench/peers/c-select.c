// The C reference peer: the same design as this server (one thread, select(), batched accepts, no logging) in plain C.
//
// Usage: c-select HOST PORT (c-mmsg.c builds the same server with batched UDP). Serves RFC 868 over TCP and UDP on HOST:PORT until SIGTERM/SIGINT.
// It is the floor for "server CPU per request": what the syscalls alone cost, with no runtime around them.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef PROGRAM
#define PROGRAM "c-select"
#endif
#define SECONDS_1900_TO_1970 2208988800ULL
#define ACCEPT_BATCH 128
#define RECEIVE_BATCH 64

static volatile sig_atomic_t stopping;

static void on_signal(int signo) {
  (void)signo;
  stopping = 1;
}

static void die(const char *what) {
  fprintf(stderr, PROGRAM ": %s: %s\n", what, strerror(errno));
  exit(1);
}

static void stamp(unsigned char out[4]) {
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  uint32_t value = (uint32_t)((uint64_t)now.tv_sec + SECONDS_1900_TO_1970);
  out[0] = (unsigned char)(value >> 24);
  out[1] = (unsigned char)(value >> 16);
  out[2] = (unsigned char)(value >> 8);
  out[3] = (unsigned char)value;
}

static int open_socket(int type, const struct sockaddr_storage *address, socklen_t length) {
  int fd = socket(address->ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) die("socket");
  int one = 1;
  /* The server closes first, so TIME_WAIT piles up on its port: without this a rerun cannot bind. */
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0) die("setsockopt");
  if (bind(fd, (const struct sockaddr *)address, length) != 0) die("bind");
  if (type == SOCK_STREAM && listen(fd, 1024) != 0) die("listen");
  if (fd >= FD_SETSIZE) die("fd above FD_SETSIZE");
  return fd;
}

static void accept_batch(int listener) {
  unsigned char reply[4];
  for (int i = 0; i < ACCEPT_BATCH; i++) {
    int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return; /* EAGAIN, or a client that already left: either way, back to select */
    stamp(reply);
    (void)send(fd, reply, sizeof reply, MSG_NOSIGNAL);
    close(fd);
  }
}

#ifdef BATCHED_UDP
/* c-mmsg.c: every queued datagram (up to the batch) with one recvmmsg, every reply with one sendmmsg. */
static void receive_batch(int socket_fd) {
  static struct sockaddr_storage peers[RECEIVE_BATCH];
  static struct mmsghdr requests[RECEIVE_BATCH], replies[RECEIVE_BATCH];
  unsigned char reply[4];
  struct iovec reply_iovec = {reply, sizeof reply};
  for (int i = 0; i < RECEIVE_BATCH; i++) {
    /* No iovec: a datagram of any size is taken whole and truncated to nothing, as this server does. */
    requests[i].msg_hdr = (struct msghdr){.msg_name = &peers[i], .msg_namelen = sizeof peers[i]};
  }
  int received = recvmmsg(socket_fd, requests, RECEIVE_BATCH, MSG_DONTWAIT, NULL);
  if (received <= 0) return;
  stamp(reply);
  for (int i = 0; i < received; i++) {
    replies[i].msg_hdr = (struct msghdr){.msg_name = &peers[i], .msg_namelen = requests[i].msg_hdr.msg_namelen, .msg_iov = &reply_iovec, .msg_iovlen = 1};
  }
  /* A reply that fails is skipped; a full send buffer drops the rest, as this server does. */
  for (int sent = 0; sent < received;) {
    int n = sendmmsg(socket_fd, replies + sent, (unsigned)(received - sent), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0 && errno == EAGAIN) return;
    sent += n > 0 ? n : 1;
  }
}
#else
static void receive_batch(int socket_fd) {
  unsigned char request[65536], reply[4];
  for (int i = 0; i < RECEIVE_BATCH; i++) {
    struct sockaddr_storage peer;
    socklen_t peer_length = sizeof peer;
    if (recvfrom(socket_fd, request, sizeof request, 0, (struct sockaddr *)&peer, &peer_length) < 0) return;
    stamp(reply);
    (void)sendto(socket_fd, reply, sizeof reply, 0, (struct sockaddr *)&peer, peer_length);
  }
}
#endif

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: " PROGRAM " HOST PORT\n");
    return 2;
  }
  struct sockaddr_storage address;
  memset(&address, 0, sizeof address);
  socklen_t length;
  struct sockaddr_in *v4 = (struct sockaddr_in *)&address;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&address;
  uint16_t port = htons((uint16_t)atoi(argv[2]));
  if (inet_pton(AF_INET, argv[1], &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = port;
    length = sizeof *v4;
  } else if (inet_pton(AF_INET6, argv[1], &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = port;
    length = sizeof *v6;
  } else {
    fprintf(stderr, PROGRAM ": not an address literal: %s\n", argv[1]);
    return 2;
  }

  struct sigaction action = {0};
  action.sa_handler = on_signal;
  sigaction(SIGTERM, &action, NULL);
  sigaction(SIGINT, &action, NULL);
  signal(SIGPIPE, SIG_IGN);

  int tcp = open_socket(SOCK_STREAM, &address, length);
  int udp = open_socket(SOCK_DGRAM, &address, length);
  printf("listening on port %d\n", atoi(argv[2]));
  fflush(stdout);

  int nfds = (tcp > udp ? tcp : udp) + 1;
  while (!stopping) {
    fd_set readable;
    FD_ZERO(&readable);
    FD_SET(tcp, &readable);
    FD_SET(udp, &readable);
    struct timeval timeout = {1, 0}; /* the original's 1.0 s, re-armed: Linux writes back the time left */
    int ready = select(nfds, &readable, NULL, NULL, &timeout);
    if (ready < 0) {
      if (errno == EINTR) continue;
      die("select");
    }
    if (FD_ISSET(tcp, &readable)) accept_batch(tcp);
    if (FD_ISSET(udp, &readable)) receive_batch(udp);
  }
  return 0;
}
