/*
 * lab-kv: the lab's in-memory key-value server, the workload its containers
 * run (issue 16). Everything it knows lives in this process's memory: a
 * restart loses it, only a checkpoint carries it. It answers one line per
 * request over TCP, so a client connected from outside the VM before an
 * upgrade can keep talking to it after.
 *
 *   lab-kv PORT [FILL]    listen on 0.0.0.0:PORT; FILL (like 64M) of memory
 *                         filled with a known pattern, to give it a footprint
 *
 * Requests (one per line, answers end with "\n"):
 *   PING               -> PONG
 *   SET key value      -> OK
 *   GET key            -> the value, or (nil)
 *   INCR key           -> the new number
 *   INFO               -> pid=N started=EPOCH requests=N fill=BYTES sum=HEX
 *
 * One thread, poll() over the listening socket and up to 64 clients, no
 * files open: easy for CRIU. The fill's checksum is recomputed by INFO, so a
 * lost page shows as a changed sum.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CLIENTS 64
#define MAX_KEYS 1024
#define LINE 512

struct client {
  int fd;
  size_t len;
  char buf[LINE];
};

static char *keys[MAX_KEYS];
static char *values[MAX_KEYS];
static unsigned long requests;
static unsigned char *fill;
static size_t fill_bytes;
static time_t started;

static size_t parse_size(const char *s) {
  char *end;
  unsigned long long n = strtoull(s, &end, 10);
  switch (*end) {
  case 'G': case 'g': n <<= 30; break;
  case 'M': case 'm': n <<= 20; break;
  case 'K': case 'k': n <<= 10; break;
  default: break;
  }
  return (size_t)n;
}

static uint64_t checksum(void) {
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < fill_bytes; i += 8) {
    h ^= *(uint64_t *)(fill + i);
    h *= 1099511628211ULL;
  }
  return h;
}

static int slot(const char *key, int create) {
  for (int i = 0; i < MAX_KEYS; i++)
    if (keys[i] && strcmp(keys[i], key) == 0) return i;
  if (!create) return -1;
  for (int i = 0; i < MAX_KEYS; i++)
    if (!keys[i]) {
      keys[i] = strdup(key);
      return i;
    }
  return -1;
}

static void set(int i, const char *value) {
  free(values[i]);
  values[i] = strdup(value);
}

/* One request line (no newline) -> its answer in out. */
static void answer(char *line, char *out, size_t cap) {
  char *cmd = strtok(line, " \r");
  char *key = strtok(NULL, " \r");
  char *value = strtok(NULL, "\r");
  requests++;
  if (!cmd) {
    snprintf(out, cap, "ERR empty\n");
  } else if (strcmp(cmd, "PING") == 0) {
    snprintf(out, cap, "PONG\n");
  } else if (strcmp(cmd, "SET") == 0 && key && value) {
    int i = slot(key, 1);
    if (i < 0) snprintf(out, cap, "ERR full\n");
    else {
      set(i, value);
      snprintf(out, cap, "OK\n");
    }
  } else if (strcmp(cmd, "GET") == 0 && key) {
    int i = slot(key, 0);
    snprintf(out, cap, "%s\n", i >= 0 && values[i] ? values[i] : "(nil)");
  } else if (strcmp(cmd, "INCR") == 0 && key) {
    int i = slot(key, 1);
    if (i < 0) snprintf(out, cap, "ERR full\n");
    else {
      char num[32];
      snprintf(num, sizeof num, "%lld", (values[i] ? atoll(values[i]) : 0) + 1);
      set(i, num);
      snprintf(out, cap, "%s\n", num);
    }
  } else if (strcmp(cmd, "INFO") == 0) {
    snprintf(out, cap, "pid=%d started=%lld requests=%lu fill=%zu sum=%016" PRIx64 "\n", (int)getpid(), (long long)started, requests,
             fill_bytes, checksum());
  } else {
    snprintf(out, cap, "ERR unknown\n");
  }
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: lab-kv PORT [FILL]\n");
    return 2;
  }
  started = time(NULL);
  if (argc > 2 && (fill_bytes = parse_size(argv[2])) > 0) {
    fill = mmap(NULL, fill_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (fill == MAP_FAILED) {
      perror("mmap");
      return 1;
    }
    for (size_t i = 0; i < fill_bytes; i += 8) *(uint64_t *)(fill + i) = (uint64_t)i * 2654435761ULL;
  }
  int ls = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1])), .sin_addr.s_addr = htonl(INADDR_ANY)};
  if (bind(ls, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(ls, 16) < 0) {
    perror("bind/listen");
    return 1;
  }
  struct client clients[MAX_CLIENTS];
  for (int i = 0; i < MAX_CLIENTS; i++) clients[i].fd = -1;
  for (;;) {
    struct pollfd p[MAX_CLIENTS + 1];
    p[0] = (struct pollfd){.fd = ls, .events = POLLIN};
    for (int i = 0; i < MAX_CLIENTS; i++) p[i + 1] = (struct pollfd){.fd = clients[i].fd, .events = POLLIN};
    if (poll(p, MAX_CLIENTS + 1, -1) < 0) {
      if (errno == EINTR) continue;
      perror("poll");
      return 1;
    }
    if (p[0].revents & POLLIN) {
      int fd = accept(ls, NULL, NULL);
      int i = 0;
      while (i < MAX_CLIENTS && clients[i].fd >= 0) i++;
      if (fd >= 0 && i < MAX_CLIENTS) clients[i] = (struct client){.fd = fd, .len = 0};
      else if (fd >= 0) close(fd);
    }
    for (int i = 0; i < MAX_CLIENTS; i++) {
      struct client *c = &clients[i];
      if (c->fd < 0 || !(p[i + 1].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = read(c->fd, c->buf + c->len, sizeof c->buf - 1 - c->len);
      if (n <= 0) {
        close(c->fd);
        c->fd = -1;
        continue;
      }
      c->len += (size_t)n;
      char *nl;
      while ((nl = memchr(c->buf, '\n', c->len)) != NULL) {
        *nl = '\0';
        char out[LINE + 128];
        answer(c->buf, out, sizeof out);
        if (write(c->fd, out, strlen(out)) < 0) break;
        size_t used = (size_t)(nl - c->buf) + 1;
        memmove(c->buf, nl + 1, c->len - used);
        c->len -= used;
      }
      if (c->len == sizeof c->buf - 1) c->len = 0; /* a line too long: dropped */
    }
  }
}
