// vigil-cgexec: runs a program inside a cgroup (v2), as a given user, with its output in a
// file opened as that user, so that everything it starts stays in that cgroup and nothing
// it writes goes where the user could not write.
//
//   vigil-cgexec [--output FILE] CGROUP-DIR UID GID PROGRAM [ARG...]
//
// It moves itself into CGROUP-DIR (writing "0" to its cgroup.procs) *before* it execs,
// so no child of PROGRAM can be forked outside the cgroup; "-" joins none (cgroups off).
// UID and GID ("-" keeps the current ones) are applied after the move: a process that is
// no longer root could not move itself. FILE is opened only then, with the target user's
// identity, O_NOFOLLOW (a symbolic link planted at FILE is refused, not followed) and
// O_NONBLOCK (a FIFO planted there is refused, not waited on); it must be a regular file
// (created 0640 if missing) or /dev/null, and becomes PROGRAM's stdout and stderr.
// PROGRAM must be an absolute path; nothing is looked up and nothing passes through a shell.
//
// Errors go to the stderr the helper was started with, through a close-on-exec copy: the
// caller sees end-of-file on it exactly when PROGRAM has been executed, and a message
// before that when something failed. Exit 125 when FILE cannot be used, 126 when the
// cgroup cannot be joined or the user not set, 127 when PROGRAM cannot be executed (the
// shell's conventions, so callers can tell).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int report_fd = 2;

static void report(const char *format, ...) {
    char message[PATH_MAX + 256];
    va_list args;
    va_start(args, format);
    int length = vsnprintf(message, sizeof message, format, args);
    va_end(args);
    if (length < 0) return;
    if ((size_t)length >= sizeof message) length = (int)sizeof message - 1;
    ssize_t ignored = write(report_fd, message, (size_t)length);
    (void)ignored;
}

static int parse_id(const char *text, long *out) {
    if (strcmp(text, "-") == 0) { *out = -1; return 0; }
    char *end = NULL;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value < 0) return -1;
    *out = value;
    return 0;
}

static int join_cgroup(const char *cgroup) {
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/cgroup.procs", cgroup) >= (int)sizeof path) {
        report("vigil-cgexec: cgroup path too long\n");
        return -1;
    }
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        report("vigil-cgexec: cannot open %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (write(fd, "0", 1) != 1) {
        report("vigil-cgexec: cannot join cgroup %s: %s\n", cgroup, strerror(errno));
        close(fd);
        return -1;
    }
    close(fd);
    return 0;
}

// Opens the output file as the current (already target) user and makes it stdout and stderr.
static int redirect_output(const char *file) {
    int fd;
    if (strcmp(file, "/dev/null") == 0) {
        fd = open(file, O_WRONLY | O_CLOEXEC);
    } else {
        fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0640);
    }
    if (fd < 0) {
        int error = errno;
        if (error == ELOOP) {
            report("cannot open %s as uid %ld: it is a symbolic link, which is not followed\n", file, (long)geteuid());
        } else {
            report("cannot open %s as uid %ld: %s\n", file, (long)geteuid(), strerror(error));
        }
        return -1;
    }
    if (strcmp(file, "/dev/null") != 0) {
        struct stat info;
        if (fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
            report("cannot use %s: not a regular file\n", file);
            close(fd);
            return -1;
        }
        int flags = fcntl(fd, F_GETFL);
        if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
            report("cannot use %s: %s\n", file, strerror(errno));
            close(fd);
            return -1;
        }
    }
    if (dup2(fd, 1) < 0 || dup2(fd, 2) < 0) {
        report("cannot use %s as output: %s\n", file, strerror(errno));
        close(fd);
        return -1;
    }
    close(fd);
    return 0;
}

int main(int argc, char **argv) {
    int copy = fcntl(2, F_DUPFD_CLOEXEC, 3);
    if (copy >= 0) report_fd = copy;
    int first = 1;
    const char *output = NULL;
    if (argc > 2 && strcmp(argv[1], "--output") == 0) {
        output = argv[2];
        first = 3;
    }
    if (argc - first < 4) {
        report("usage: vigil-cgexec [--output FILE] CGROUP-DIR UID GID PROGRAM [ARG...]\n");
        return 126;
    }
    const char *cgroup = argv[first];
    long uid = -1, gid = -1;
    if (parse_id(argv[first + 1], &uid) != 0 || parse_id(argv[first + 2], &gid) != 0) {
        report("vigil-cgexec: invalid uid/gid '%s' '%s'\n", argv[first + 1], argv[first + 2]);
        return 126;
    }
    char **program = &argv[first + 3];
    if (program[0][0] != '/') {
        report("vigil-cgexec: program must be an absolute path: %s\n", program[0]);
        return 127;
    }
    if (strcmp(cgroup, "-") != 0 && join_cgroup(cgroup) != 0) return 126;
    if (gid >= 0) {
        gid_t groups[1] = {(gid_t)gid};
        if (setgroups(1, groups) != 0 || setgid((gid_t)gid) != 0) {
            report("vigil-cgexec: cannot set group %ld: %s\n", gid, strerror(errno));
            return 126;
        }
    }
    if (uid >= 0 && setuid((uid_t)uid) != 0) {
        report("vigil-cgexec: cannot set user %ld: %s\n", uid, strerror(errno));
        return 126;
    }
    if (output != NULL && redirect_output(output) != 0) return 125;
    execv(program[0], program);
    report("vigil-cgexec: cannot execute %s: %s\n", program[0], strerror(errno));
    return 127;
}
