/*
 * lab-randreader DIR N BLOCK [once]: the page-cache workload of `npm run bench:rewarm`, read as a
 * database reads its data files: DIR/f1 … DIR/fN kept open, every BLOCK-byte block of them read
 * once per pass with pread, in a scattered order (a stride coprime to the block count, so no
 * readahead helps), pass after pass. Each pass's start and end (ms since the epoch) is appended to
 * DIR/passes.log. With a fourth argument `once`: one pass, its milliseconds printed, then exit (the
 * warm and cold figures on the old kernel). Built statically on the host by the benchmark and copied into the lab.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_FILES 64

static long long now_ms(void) {
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint64_t gcd(uint64_t a, uint64_t b) {
	while (b) {
		uint64_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

int main(int argc, char **argv) {
	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: lab-randreader DIR N BLOCK [once]\n");
		return 2;
	}
	int n = atoi(argv[2]);
	long block = atol(argv[3]);
	if (n < 1 || n > MAX_FILES || block < 512 || chdir(argv[1]) != 0) {
		fprintf(stderr, "lab-randreader: bad arguments or no such directory\n");
		return 2;
	}
	int fds[MAX_FILES];
	uint64_t blocks[MAX_FILES], total = 0;
	for (int i = 0; i < n; i++) {
		char name[16];
		struct stat st;
		snprintf(name, sizeof name, "f%d", i + 1);
		fds[i] = open(name, O_RDONLY);
		if (fds[i] < 0 || fstat(fds[i], &st) != 0) {
			perror(name);
			return 1;
		}
		blocks[i] = (uint64_t)st.st_size / (uint64_t)block;
		total += blocks[i];
	}
	if (total == 0) return 1;
	uint64_t stride = 1000003;
	while (gcd(stride, total) != 1) stride++;
	int once = argc == 5;
	char *buf = malloc(block);
	if (!buf) return 1;
	for (;;) {
		long long start = now_ms();
		for (uint64_t k = 0; k < total; k++) {
			uint64_t b = (k * stride) % total;
			int f = 0;
			while (b >= blocks[f]) b -= blocks[f++];
			if (pread(fds[f], buf, block, (off_t)(b * block)) < 0) return 1;
		}
		if (once) {
			printf("%lld\n", now_ms() - start);
			return 0;
		}
		FILE *log = fopen("passes.log", "a");
		if (log) {
			fprintf(log, "%lld %lld\n", start, now_ms());
			fclose(log);
		}
	}
}
