// libfuse3's high-level API. fuse_new and fuse_loop_mt are macros over versioned symbols,
// which Swift cannot call: these wrappers pick the 3.12 ones.
#define FUSE_USE_VERSION 312
#include <fuse.h>
#include <errno.h>

static inline struct fuse *swdd_fuse_new(struct fuse_args *args, const struct fuse_operations *operations, void *context) {
    return fuse_new(args, operations, sizeof(*operations), context);
}

/// Serves requests on up to `threads` threads until the session ends (unmounted, or exited).
static inline int swdd_fuse_loop(struct fuse *fuse, unsigned threads) {
    struct fuse_loop_config *config = fuse_loop_cfg_create();
    if (!config) return -ENOMEM;
    fuse_loop_cfg_set_max_threads(config, threads);
    fuse_loop_cfg_set_idle_threads(config, threads);
    int result = fuse_loop_mt(fuse, config);
    fuse_loop_cfg_destroy(config);
    return result;
}
