/*
 * lab-redis-gen: the deterministic dataset for the lab's redis. The same
 * (COUNT, VALUE_BYTES) always gives the same keys and values, so a test can
 * tell whether redis came back from a kexec with its data intact without a
 * copy of the data on the host.
 *
 *   lab-redis-gen COUNT VALUE_BYTES          RESP "SET lab:NNNNNN <value>" for
 *                                            every key, for `redis-cli --pipe`
 *   lab-redis-gen --value INDEX VALUE_BYTES  the value of key INDEX, newline-
 *                                            terminated (as `redis-cli GET` prints)
 *   lab-redis-gen --key INDEX                the name of key INDEX
 *
 * Values are printable (a 64-character alphabet) and random-looking
 * (splitmix64 seeded per key), so they neither compress nor share pages.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char ALPHABET[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static uint64_t splitmix64(uint64_t *state) {
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static void make_value(uint64_t index, size_t len, char *out) {
    uint64_t state = 0x5EA11E55ULL ^ (index * 0xD1B54A32D192ED03ULL);
    size_t i = 0;
    while (i < len) {
        uint64_t r = splitmix64(&state);
        for (int k = 0; k < 10 && i < len; k++, r >>= 6) out[i++] = ALPHABET[r & 63];
    }
}

static int key_name(uint64_t index, char *out, size_t len) {
    return snprintf(out, len, "lab:%06" PRIu64, index);
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "--key") == 0) {
        char key[32];
        key_name(strtoull(argv[2], NULL, 10), key, sizeof key);
        puts(key);
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "--value") == 0) {
        size_t len = strtoul(argv[3], NULL, 10);
        char *v = malloc(len + 1);
        if (!v) return 1;
        make_value(strtoull(argv[2], NULL, 10), len, v);
        v[len] = '\n';
        fwrite(v, 1, len + 1, stdout);
        return 0;
    }
    if (argc != 3) {
        fprintf(stderr, "usage: lab-redis-gen COUNT VALUE_BYTES | --value INDEX VALUE_BYTES | --key INDEX\n");
        return 2;
    }
    uint64_t count = strtoull(argv[1], NULL, 10);
    size_t len = strtoul(argv[2], NULL, 10);
    char *v = malloc(len);
    if (!v) return 1;
    static char buf[1 << 16];
    setvbuf(stdout, buf, _IOFBF, sizeof buf);
    for (uint64_t i = 0; i < count; i++) {
        char key[32];
        int klen = key_name(i, key, sizeof key);
        make_value(i, len, v);
        printf("*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%zu\r\n", klen, key, len);
        fwrite(v, 1, len, stdout);
        fputs("\r\n", stdout);
    }
    return fflush(stdout) == 0 ? 0 : 1;
}
