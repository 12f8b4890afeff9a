/*
 * lab-memload: the lab's memory workload. Seamless must carry a process's
 * anonymous memory across a kexec bit for bit; this program fills SIZE bytes
 * with a known pattern so that any lost or corrupted page shows up as a wrong
 * checksum, and keeps a counter ticking so a frozen or restarted process shows
 * up too.
 *
 * It is built to be easy for CRIU: one thread, static binary, no open files
 * while it runs (the report is written with open/write/close and renamed into
 * place), a plain nanosleep loop, no timerfd/signalfd/inotify.
 *
 *   lab-memload SIZE [DIRTY_PAGES_PER_TICK]   run (SIZE like 256M, 1G, 4096K)
 *   lab-memload --expect SIZE                 print the expected checksum
 *
 * SIGUSR1 asks for a report: the checksum is recomputed over the whole region
 * and {pid, counter, checksum, ...} is written to /run/lab-memload/<pid>.json.
 * Every 100 ms tick the counter advances and DIRTY_PAGES_PER_TICK pages
 * (default 64) are rewritten with their own content, which dirties them for
 * soft-dirty tracking (criu pre-dump) without changing the checksum.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define REPORT_DIR "/run/lab-memload"
#define PAGE 4096u
#define TICK_NS 100000000L

static volatile sig_atomic_t report_requested;
static volatile sig_atomic_t stop_requested;

static void on_usr1(int sig) { (void)sig; report_requested = 1; }
static void on_term(int sig) { (void)sig; stop_requested = 1; }

/* splitmix64: the pattern word at index i (public domain, Vigna). */
static uint64_t pattern_word(uint64_t i) {
    uint64_t z = i + 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* FNV-1a over 64-bit words: order-sensitive, so a moved page shows too. */
#define CHECKSUM_INIT 0xCBF29CE484222325ULL
static uint64_t checksum_step(uint64_t h, uint64_t w) { return (h ^ w) * 0x100000001B3ULL; }

static int parse_size(const char *s, uint64_t *out) {
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || end == s) return -1;
    uint64_t mult = 1;
    if (*end == 'K' || *end == 'k') mult = 1024ULL, end++;
    else if (*end == 'M' || *end == 'm') mult = 1024ULL * 1024, end++;
    else if (*end == 'G' || *end == 'g') mult = 1024ULL * 1024 * 1024, end++;
    if (*end == 'i' && end[1] == 'B') end += 2;
    else if (*end == 'B') end++;
    if (*end != '\0' || v == 0) return -1;
    uint64_t bytes = (uint64_t)v * mult;
    bytes = (bytes + PAGE - 1) / PAGE * PAGE; /* whole pages */
    *out = bytes;
    return 0;
}

static uint64_t expected_checksum(uint64_t words) {
    uint64_t h = CHECKSUM_INIT;
    for (uint64_t i = 0; i < words; i++) h = checksum_step(h, pattern_word(i));
    return h;
}

static uint64_t region_checksum(const volatile uint64_t *w, uint64_t words) {
    uint64_t h = CHECKSUM_INIT;
    for (uint64_t i = 0; i < words; i++) h = checksum_step(h, w[i]);
    return h;
}

static void iso_time(time_t t, char *buf, size_t len) {
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int write_all(int fd, const char *buf, size_t len) {
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

static void write_report(const char *size_arg, uint64_t size, uint64_t counter, uint64_t checksum,
                         uint64_t expected, time_t started, unsigned dirty) {
    char path[128], tmp[160], started_iso[32], now_iso[32], json[1024];
    pid_t pid = getpid();
    mkdir(REPORT_DIR, 0755);
    snprintf(path, sizeof path, REPORT_DIR "/%d.json", (int)pid);
    snprintf(tmp, sizeof tmp, REPORT_DIR "/.%d.json.tmp", (int)pid);
    iso_time(started, started_iso, sizeof started_iso);
    iso_time(time(NULL), now_iso, sizeof now_iso);
    int n = snprintf(json, sizeof json,
                     "{\"pid\":%d,\"counter\":%" PRIu64 ",\"checksum\":\"%016" PRIx64 "\","
                     "\"expected\":\"%016" PRIx64 "\",\"ok\":%s,\"size\":%" PRIu64 ",\"sizeArg\":\"%s\","
                     "\"dirtyPagesPerTick\":%u,\"startedAt\":\"%s\",\"startedAtEpoch\":%lld,"
                     "\"reportedAt\":\"%s\"}\n",
                     (int)pid, counter, checksum, expected, checksum == expected ? "true" : "false", size,
                     size_arg, dirty, started_iso, (long long)started, now_iso);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return;
    int bad = write_all(fd, json, (size_t)n);
    close(fd);
    if (bad || rename(tmp, path) != 0) unlink(tmp);
}

int main(int argc, char **argv) {
    uint64_t size;
    if (argc == 3 && strcmp(argv[1], "--expect") == 0) {
        if (parse_size(argv[2], &size) != 0) {
            fprintf(stderr, "lab-memload: bad size '%s'\n", argv[2]);
            return 2;
        }
        printf("%016" PRIx64 "\n", expected_checksum(size / 8));
        return 0;
    }
    if (argc < 2 || argc > 3 || parse_size(argv[1], &size) != 0) {
        fprintf(stderr, "usage: lab-memload SIZE [DIRTY_PAGES_PER_TICK] | lab-memload --expect SIZE\n");
        return 2;
    }
    unsigned dirty = argc == 3 ? (unsigned)strtoul(argv[2], NULL, 10) : 64u;

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_usr1; /* no SA_RESTART: nanosleep returns EINTR */
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_handler = on_term;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    time_t started = time(NULL);
    uint64_t words = size / 8, pages = size / PAGE;
    volatile uint64_t *w = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (w == MAP_FAILED) {
        perror("lab-memload: mmap");
        return 1;
    }
    for (uint64_t i = 0; i < words; i++) w[i] = pattern_word(i);
    uint64_t expected = expected_checksum(words);
    uint64_t counter = 0, next_page = 0;
    write_report(argv[1], size, counter, region_checksum(w, words), expected, started, dirty);

    while (!stop_requested) {
        struct timespec left = {0, TICK_NS};
        while (nanosleep(&left, &left) != 0 && errno == EINTR && !stop_requested) {
            if (report_requested) {
                report_requested = 0;
                write_report(argv[1], size, counter, region_checksum(w, words), expected, started, dirty);
            }
        }
        if (stop_requested) break;
        counter++;
        for (unsigned p = 0; p < dirty && pages > 0; p++, next_page = (next_page + 1) % pages) {
            volatile uint64_t *pg = w + next_page * (PAGE / 8);
            for (unsigned k = 0; k < PAGE / 8; k++) pg[k] = pg[k];
        }
        if (report_requested) {
            report_requested = 0;
            write_report(argv[1], size, counter, region_checksum(w, words), expected, started, dirty);
        }
    }
    char path[128];
    snprintf(path, sizeof path, REPORT_DIR "/%d.json", (int)getpid());
    unlink(path);
    return 0;
}
