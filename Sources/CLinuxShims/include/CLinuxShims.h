// What Swift's Glibc import cannot see: flags and calls behind _GNU_SOURCE, variadic calls,
// and the BLK* ioctl macros. Every function here is a thin, errno-preserving wrapper; policy
// and retries live in SwddSystem.
#ifndef CLINUXSHIMS_H
#define CLINUXSHIMS_H

#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>

// open(2) flags whose values differ between architectures or hide behind _GNU_SOURCE.
int swdd_flag_direct(void);
int swdd_flag_noatime(void);
int swdd_flag_directory(void);
int swdd_flag_nofollow(void);
int swdd_flag_dsync(void);
int swdd_flag_sync(void);
int swdd_flag_rsync(void);
int swdd_flag_nonblock(void);
int swdd_flag_noctty(void);
int swdd_flag_append(void);
int swdd_flag_excl(void);
int swdd_flag_creat(void);
int swdd_flag_trunc(void);
int swdd_flag_cloexec(void);

int swdd_open(const char *path, int flags, unsigned int mode);
int swdd_fcntl_getfl(int fd);
int swdd_fcntl_setfl(int fd, int flags);

int swdd_whence_data(void);
int swdd_whence_hole(void);

ssize_t swdd_copy_file_range(int fd_in, int64_t *off_in, int fd_out, int64_t *off_out,
                             size_t len, unsigned int flags);
ssize_t swdd_splice(int fd_in, int64_t *off_in, int fd_out, int64_t *off_out,
                    size_t len, unsigned int flags);
int swdd_fallocate(int fd, int mode, int64_t offset, int64_t len);
int swdd_punch_hole(int fd, int64_t offset, int64_t len);
int swdd_start_writeback(int fd, int64_t offset, int64_t len);
int swdd_fadvise_dontneed(int fd, int64_t offset, int64_t len);
int swdd_fadvise_sequential(int fd);

// Block device facts (linux/fs.h); each returns -1 with errno set on failure.
int swdd_blk_getsize64(int fd, uint64_t *bytes);
int swdd_blk_logical_sector_size(int fd, uint32_t *bytes);
int swdd_blk_physical_sector_size(int fd, uint32_t *bytes);
int swdd_blk_io_min(int fd, uint32_t *bytes);
int swdd_blk_io_opt(int fd, uint32_t *bytes);
int swdd_blk_zeroout(int fd, uint64_t offset, uint64_t length);
int swdd_blk_flush_buffers(int fd);

// Filesystem freeze (linux/fs.h FIFREEZE/FITHAW, as util-linux fsfreeze calls them) on a
// descriptor of the mount point; -1 with errno on failure.
int swdd_fifreeze(int fd);
int swdd_fithaw(int fd);

// pipe2(O_CLOEXEC): both ends closed in any program the process starts (hidden by _GNU_SOURCE).
int swdd_pipe_cloexec(int fds[2]);
/// An anonymous file in memory (`memfd_create`, close-on-exec): a child's standard error kept to read back.
int swdd_memfd(const char *name);

// malloc.h, which Swift's Glibc module does not import: mallopt(M_ARENA_MAX, count).
int swdd_limit_malloc_arenas(int count);

// POSIX_FADV / sysconf helpers.
long swdd_page_size(void);

// statfs's f_type (the file system's magic number, linux/magic.h); -1 with errno on failure.
int swdd_statfs_type(const char *path, uint64_t *type);

#endif
