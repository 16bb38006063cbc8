// vigil-cgexec: runs a program inside a cgroup (v2), so that everything it starts,
// daemons that leave its session included, stays in that cgroup.
//
//   vigil-cgexec CGROUP-DIR UID GID PROGRAM [ARG...]
//
// It moves itself into CGROUP-DIR (writing "0" to its cgroup.procs) *before* it execs,
// so no child of PROGRAM can be forked outside the cgroup. UID and GID ("-" keeps the
// current ones) are applied after the move: a process that is no longer root could not
// move itself. PROGRAM must be an absolute path; nothing is looked up and nothing passes
// through a shell. Exit 126 when the cgroup cannot be joined or the user not set, 127
// when PROGRAM cannot be executed (the shell's conventions, so callers can tell).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int parse_id(const char *text, long *out) {
    if (strcmp(text, "-") == 0) { *out = -1; return 0; }
    char *end = NULL;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value < 0) return -1;
    *out = value;
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: vigil-cgexec CGROUP-DIR UID GID PROGRAM [ARG...]\n");
        return 126;
    }
    const char *cgroup = argv[1];
    long uid = -1, gid = -1;
    if (parse_id(argv[2], &uid) != 0 || parse_id(argv[3], &gid) != 0) {
        fprintf(stderr, "vigil-cgexec: invalid uid/gid '%s' '%s'\n", argv[2], argv[3]);
        return 126;
    }
    if (argv[4][0] != '/') {
        fprintf(stderr, "vigil-cgexec: program must be an absolute path: %s\n", argv[4]);
        return 127;
    }
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/cgroup.procs", cgroup) >= (int)sizeof path) {
        fprintf(stderr, "vigil-cgexec: cgroup path too long\n");
        return 126;
    }
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "vigil-cgexec: cannot open %s: %s\n", path, strerror(errno));
        return 126;
    }
    if (write(fd, "0", 1) != 1) {
        fprintf(stderr, "vigil-cgexec: cannot join cgroup %s: %s\n", cgroup, strerror(errno));
        close(fd);
        return 126;
    }
    close(fd);
    if (gid >= 0) {
        gid_t groups[1] = {(gid_t)gid};
        if (setgroups(1, groups) != 0 || setgid((gid_t)gid) != 0) {
            fprintf(stderr, "vigil-cgexec: cannot set group %ld: %s\n", gid, strerror(errno));
            return 126;
        }
    }
    if (uid >= 0 && setuid((uid_t)uid) != 0) {
        fprintf(stderr, "vigil-cgexec: cannot set user %ld: %s\n", uid, strerror(errno));
        return 126;
    }
    execv(argv[4], &argv[4]);
    fprintf(stderr, "vigil-cgexec: cannot execute %s: %s\n", argv[4], strerror(errno));
    return 127;
}
