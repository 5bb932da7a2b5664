// The fastest FUSE server a mount can be: one read-only file `disk` of SIZE bytes whose every
// read is answered from one static buffer, nothing decoded, nothing copied in user space. It is
// served the way swdd mount serves its files (direct_io, st_blksize 1 MiB, so cat and cp ask
// for 1 MiB per read), so scripts/bench-mount can show what the kernel's FUSE transport costs
// on its own: no FUSE mount reads sequentially faster than this one on the same machine.
//
//   cc -O2 -o fuse-noop-server fuse-noop-server.c $(pkg-config --cflags --libs fuse3)
//   fuse-noop-server SIZE MOUNTPOINT      (serves in the foreground until unmounted)
#define FUSE_USE_VERSION 34
#include <errno.h>
#include <fuse_lowlevel.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static off_t size;
static char reply[1 << 20];

static void describe(fuse_ino_t inode, struct stat *status) {
    memset(status, 0, sizeof *status);
    status->st_ino = inode;
    if (inode == FUSE_ROOT_ID) {
        status->st_mode = S_IFDIR | 0555;
        status->st_nlink = 2;
    } else {
        status->st_mode = S_IFREG | 0444;
        status->st_nlink = 1;
        status->st_size = size;
        status->st_blksize = sizeof reply;
    }
}

static void lookup(fuse_req_t request, fuse_ino_t parent, const char *name) {
    if (parent != FUSE_ROOT_ID || strcmp(name, "disk") != 0) { fuse_reply_err(request, ENOENT); return; }
    struct fuse_entry_param entry = { .ino = 2, .attr_timeout = 86400, .entry_timeout = 86400 };
    describe(2, &entry.attr);
    fuse_reply_entry(request, &entry);
}

static void getattr(fuse_req_t request, fuse_ino_t inode, struct fuse_file_info *info) {
    (void)info;
    struct stat status;
    describe(inode, &status);
    fuse_reply_attr(request, &status, 86400);
}

static void open_file(fuse_req_t request, fuse_ino_t inode, struct fuse_file_info *info) {
    if (inode != 2) { fuse_reply_err(request, EISDIR); return; }
    if ((info->flags & O_ACCMODE) != O_RDONLY) { fuse_reply_err(request, EROFS); return; }
    info->direct_io = 1;
    fuse_reply_open(request, info);
}

static void read_file(fuse_req_t request, fuse_ino_t inode, size_t count, off_t offset, struct fuse_file_info *info) {
    (void)inode; (void)info;
    if (offset >= size) { fuse_reply_buf(request, NULL, 0); return; }
    if (count > sizeof reply) count = sizeof reply;
    if ((off_t)count > size - offset) count = size - offset;
    fuse_reply_buf(request, reply, count);
}

static const struct fuse_lowlevel_ops operations = {
    .lookup = lookup, .getattr = getattr, .open = open_file, .read = read_file,
};

int main(int argc, char **argv) {
    if (argc != 3 || (size = strtoll(argv[1], NULL, 10)) <= 0) {
        fprintf(stderr, "usage: fuse-noop-server SIZE MOUNTPOINT\n");
        return 2;
    }
    char *words[] = { argv[0], "-o", "ro,fsname=noop,subtype=noop", NULL };
    struct fuse_args args = FUSE_ARGS_INIT(3, words);
    struct fuse_session *session = fuse_session_new(&args, &operations, sizeof operations, NULL);
    if (!session || fuse_session_mount(session, argv[2]) != 0) return 1;
    int result = fuse_session_loop(session);
    fuse_session_unmount(session);
    fuse_session_destroy(session);
    return result == 0 ? 0 : 1;
}
