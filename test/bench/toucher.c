/*
 * lab-memload-touch SIZE: the lazy restore's own-latency workload of `npm run bench:upgrade --
 * touch64M|touch1G`. Like lab-memload (the same pattern, checksum and report, so the benchmark's
 * probe and lab-memload-status read it the same way), but instead of rewriting pages in order it
 * touches 4 random pages every millisecond (a read and a write of one word) and times each touch.
 * After a lazy restore a touch of a page not yet back waits for the lazy-pages daemon: the slowest
 * touch, and how many took over 1, 10 and 100 ms, are the workload's latency during the fill.
 * Counted since the last gap: a loop whose clock went backwards or jumped over 5 s spanned the
 * freeze and the new boot (the blackout, measured elsewhere), and starts the count afresh.
 * SIGUSR1: a report to /run/lab-memload/<pid>.json. Built statically on the host and copied in.
 */
/* lab-memload's pattern, checksum, size parsing and signal flags, its main set aside (the lab
 * image's own source, so that both write and check the same memory). */
#define main memload_main
#include "../lab/guest/src/memload.c"
#undef main

#define TOUCHES_PER_MS 4
#define GAP_NS 5000000000LL

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static uint64_t rng = 0x2545F4914F6CDD1DULL;
static uint64_t next_random(void) { /* xorshift64 */
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Since the last gap, but total (every touch, like lab-memload's counter) and gaps. */
struct touches {
    uint64_t total, gaps, count, over1ms, over10ms, over100ms;
    long long slowest_ns;
};

static time_t started;

static void touch_report(const char *size_arg, uint64_t size, uint64_t checksum, uint64_t expected, const struct touches *t) {
    char path[128], tmp[160], json[1024];
    int pid = (int)getpid();
    mkdir(REPORT_DIR, 0755);
    snprintf(path, sizeof path, REPORT_DIR "/%d.json", pid);
    snprintf(tmp, sizeof tmp, REPORT_DIR "/.%d.json.tmp", pid);
    int n = snprintf(json, sizeof json,
                     "{\"pid\":%d,\"counter\":%" PRIu64 ",\"checksum\":\"%016" PRIx64 "\",\"expected\":\"%016" PRIx64
                     "\",\"ok\":%s,\"size\":%" PRIu64 ",\"sizeArg\":\"%s\",\"startedAtEpoch\":%lld,"
                     "\"touch\":{\"touches\":%" PRIu64 ",\"slowestUs\":%lld,\"over1ms\":%" PRIu64 ",\"over10ms\":%" PRIu64
                     ",\"over100ms\":%" PRIu64 ",\"gaps\":%" PRIu64 "}}\n",
                     pid, t->total, checksum, expected, checksum == expected ? "true" : "false", size, size_arg, (long long)started, t->count,
                     t->slowest_ns / 1000, t->over1ms, t->over10ms, t->over100ms, t->gaps);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return;
    int bad = write(fd, json, (size_t)n) != n;
    close(fd);
    if (bad || rename(tmp, path) != 0) unlink(tmp);
}

int main(int argc, char **argv) {
    uint64_t size;
    if (argc != 2 || parse_size(argv[1], &size) != 0) {
        fprintf(stderr, "usage: lab-memload-touch SIZE (like 64M, 1G)\n");
        return 2;
    }
    uint64_t words = size / 8, pages = size / PAGE;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_handler = on_term;
    sigaction(SIGTERM, &sa, NULL);
    volatile uint64_t *w = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (w == MAP_FAILED) {
        perror("lab-memload-touch: mmap");
        return 1;
    }
    for (uint64_t i = 0; i < words; i++) w[i] = pattern_word(i);
    uint64_t expected = expected_checksum(words);
    struct touches t = {0};
    started = time(NULL);
    rng ^= (uint64_t)now_ns();
    touch_report(argv[1], size, expected, expected, &t);
    long long last = now_ns();
    while (!stop_requested) {
        struct timespec ms = {0, 1000000L};
        nanosleep(&ms, NULL);
        long long now = now_ns();
        if (now < last || now - last > GAP_NS) {
            /* this loop spanned the freeze and the new boot: count afresh from here */
            t.gaps++;
            t.count = t.over1ms = t.over10ms = t.over100ms = 0;
            t.slowest_ns = 0;
        }
        last = now;
        for (int k = 0; k < TOUCHES_PER_MS; k++) {
            uint64_t word = (next_random() % pages) * (PAGE / 8) + next_random() % (PAGE / 8);
            long long t0 = now_ns();
            uint64_t x = w[word];
            w[word] = x;
            long long d = now_ns() - t0;
            if (d < 0 || d > GAP_NS) continue; /* spanned the freeze: the blackout, not a touch */
            t.total++;
            t.count++;
            if (d > t.slowest_ns) t.slowest_ns = d;
            t.over1ms += d > 1000000LL;
            t.over10ms += d > 10000000LL;
            t.over100ms += d > 100000000LL;
        }
        if (report_requested) {
            report_requested = 0;
            touch_report(argv[1], size, region_checksum(w, words), expected, &t);
        }
    }
    return 0;
}
