#include "CLinuxShims.h"

#include <errno.h>
#include <malloc.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

int swdd_flag_direct(void) { return O_DIRECT; }
int swdd_flag_noatime(void) { return O_NOATIME; }
int swdd_flag_directory(void) { return O_DIRECTORY; }
int swdd_flag_nofollow(void) { return O_NOFOLLOW; }
int swdd_flag_dsync(void) { return O_DSYNC; }
int swdd_flag_sync(void) { return O_SYNC; }
int swdd_flag_rsync(void) { return O_RSYNC; }
int swdd_flag_nonblock(void) { return O_NONBLOCK; }
int swdd_flag_noctty(void) { return O_NOCTTY; }
int swdd_flag_append(void) { return O_APPEND; }
int swdd_flag_excl(void) { return O_EXCL; }
int swdd_flag_creat(void) { return O_CREAT; }
int swdd_flag_trunc(void) { return O_TRUNC; }
int swdd_flag_cloexec(void) { return O_CLOEXEC; }

int swdd_open(const char *path, int flags, unsigned int mode) { return open(path, flags, (mode_t)mode); }
int swdd_fcntl_getfl(int fd) { return fcntl(fd, F_GETFL); }
int swdd_fcntl_setfl(int fd, int flags) { return fcntl(fd, F_SETFL, flags); }

int swdd_whence_data(void) { return SEEK_DATA; }
int swdd_whence_hole(void) { return SEEK_HOLE; }

ssize_t swdd_copy_file_range(int fd_in, int64_t *off_in, int fd_out, int64_t *off_out,
                             size_t len, unsigned int flags) {
    return copy_file_range(fd_in, (loff_t *)off_in, fd_out, (loff_t *)off_out, len, flags);
}

ssize_t swdd_splice(int fd_in, int64_t *off_in, int fd_out, int64_t *off_out,
                    size_t len, unsigned int flags) {
    return splice(fd_in, (loff_t *)off_in, fd_out, (loff_t *)off_out, len, flags);
}

int swdd_fallocate(int fd, int mode, int64_t offset, int64_t len) {
    return fallocate(fd, mode, (off_t)offset, (off_t)len);
}
int swdd_start_writeback(int fd, int64_t offset, int64_t len) {
    return sync_file_range(fd, (off_t)offset, (off_t)len, SYNC_FILE_RANGE_WRITE);
}
int swdd_punch_hole(int fd, int64_t offset, int64_t len) {
    return fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)offset, (off_t)len);
}

// posix_fadvise returns the error number instead of setting errno; normalise to -1/errno.
static int fadvise_errno(int rc) {
    if (rc == 0) return 0;
    errno = rc;
    return -1;
}
int swdd_fadvise_dontneed(int fd, int64_t offset, int64_t len) {
    return fadvise_errno(posix_fadvise(fd, (off_t)offset, (off_t)len, POSIX_FADV_DONTNEED));
}
int swdd_fadvise_sequential(int fd) {
    return fadvise_errno(posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL));
}

int swdd_blk_getsize64(int fd, uint64_t *bytes) { return ioctl(fd, BLKGETSIZE64, bytes); }

static int int_ioctl(int fd, unsigned long request, uint32_t *out) {
    int value = 0;
    int rc = ioctl(fd, request, &value);
    if (rc == 0) *out = (uint32_t)value;
    return rc;
}
int swdd_blk_logical_sector_size(int fd, uint32_t *bytes) { return int_ioctl(fd, BLKSSZGET, bytes); }

static int uint_ioctl(int fd, unsigned long request, uint32_t *out) {
    unsigned int value = 0;
    int rc = ioctl(fd, request, &value);
    if (rc == 0) *out = value;
    return rc;
}
int swdd_blk_physical_sector_size(int fd, uint32_t *bytes) { return uint_ioctl(fd, BLKPBSZGET, bytes); }
int swdd_blk_io_min(int fd, uint32_t *bytes) { return uint_ioctl(fd, BLKIOMIN, bytes); }
int swdd_blk_io_opt(int fd, uint32_t *bytes) { return uint_ioctl(fd, BLKIOOPT, bytes); }

int swdd_blk_zeroout(int fd, uint64_t offset, uint64_t length) {
    uint64_t range[2] = { offset, length };
    return ioctl(fd, BLKZEROOUT, range);
}
int swdd_blk_flush_buffers(int fd) { return ioctl(fd, BLKFLSBUF, 0); }

long swdd_page_size(void) { return sysconf(_SC_PAGESIZE); }

int swdd_statfs_type(const char *path, uint64_t *type) {
    struct statfs info;
    if (statfs(path, &info) != 0) return -1;
    *type = (uint64_t)(unsigned long)info.f_type;
    return 0;
}

int swdd_limit_malloc_arenas(int count) { return mallopt(M_ARENA_MAX, count); }

int swdd_fifreeze(int fd) { return ioctl(fd, FIFREEZE, 0); }
int swdd_fithaw(int fd) { return ioctl(fd, FITHAW, 0); }
int swdd_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }
int swdd_memfd(const char *name) { return memfd_create(name, MFD_CLOEXEC); }
