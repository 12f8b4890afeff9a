/*
 * lab-memload-tree: start lab-memload as a plain process tree that systemd
 * does not manage, the way an admin's nohup'd job or a legacy daemon lives on
 * a real server. Seamless has to find, dump and restore such trees too.
 *
 *   lab-memload-tree SIZE [DIRTY_PAGES_PER_TICK]
 *
 * Double fork: the first child calls setsid() and forks the tree's parent
 * (the "keeper"), then exits, so the keeper is re-parented to init and has no
 * controlling terminal. The keeper points stdio at /dev/null, forks and execs
 * /usr/local/bin/lab-memload SIZE as its child, and waits for it (exiting with
 * its status). The keeper's PID is printed on stdout; the memload child is
 * its only child (see /proc/PID/task/PID/children).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define MEMLOAD "/usr/local/bin/lab-memload"

static void stdio_to_null(void) {
    int fd = open("/dev/null", O_RDWR);
    if (fd < 0) _exit(126);
    dup2(fd, 0);
    dup2(fd, 1);
    dup2(fd, 2);
    if (fd > 2) close(fd);
}

int main(int argc, char **argv) {
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: lab-memload-tree SIZE [DIRTY_PAGES_PER_TICK]\n");
        return 2;
    }
    const char *memload = getenv("LAB_MEMLOAD") ? getenv("LAB_MEMLOAD") : MEMLOAD;
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) {
        perror("pipe");
        return 1;
    }
    fflush(stdout);
    pid_t first = fork();
    if (first < 0) {
        perror("fork");
        return 1;
    }
    if (first == 0) {
        close(p[0]);
        if (setsid() < 0) _exit(1);
        pid_t keeper = fork();
        if (keeper < 0) _exit(1);
        if (keeper > 0) _exit(0);
        /* the keeper: keep only the report pipe across stdio_to_null() */
        if (chdir("/") != 0) _exit(1);
        umask(022);
        stdio_to_null();
        if (p[1] != 3) {
            if (dup3(p[1], 3, O_CLOEXEC) < 0) _exit(1);
            p[1] = 3;
        }
        /* whatever the caller's shell left open (pipes, ttys) would pin it
           and give CRIU external files to worry about */
        close_range(4, ~0U, 0);
        pid_t child = fork();
        if (child < 0) _exit(1);
        if (child == 0) {
            close(p[1]);
            char *args[] = {"lab-memload", argv[1], argc == 3 ? argv[2] : NULL, NULL};
            execv(memload, args);
            _exit(127);
        }
        pid_t ids[2] = {getpid(), child};
        if (write(p[1], ids, sizeof ids) != (ssize_t)sizeof ids) _exit(1);
        close(p[1]); /* the keeper holds no descriptor but /dev/null */
        for (;;) {
            int status;
            pid_t r = waitpid(child, &status, 0);
            if (r == child) _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
            if (r < 0 && errno != EINTR) _exit(1);
        }
    }
    close(p[1]);
    int status;
    waitpid(first, &status, 0);
    pid_t ids[2];
    ssize_t n;
    do n = read(p[0], ids, sizeof ids);
    while (n < 0 && errno == EINTR);
    if (n != (ssize_t)sizeof ids) {
        fprintf(stderr, "lab-memload-tree: the keeper did not start\n");
        return 1;
    }
    printf("%d\n", (int)ids[0]);
    return 0;
}
