// libfuse3's low-level API. fuse_session_new and fuse_session_loop_mt are macros over
// versioned symbols, which Swift cannot call: these wrappers pick the 3.12 ones.
#define FUSE_USE_VERSION 312
#include <fuse_lowlevel.h>
#include <errno.h>

static inline struct fuse_session *swdd_fuse_session_new(struct fuse_args *args, const struct fuse_lowlevel_ops *operations, void *context) {
    return fuse_session_new(args, operations, sizeof(*operations), context);
}

/// Serves requests on up to `threads` threads until the session ends (unmounted, or exited).
static inline int swdd_fuse_session_loop(struct fuse_session *session, unsigned threads) {
    struct fuse_loop_config *config = fuse_loop_cfg_create();
    if (!config) return -ENOMEM;
    fuse_loop_cfg_set_max_threads(config, threads);
    fuse_loop_cfg_set_idle_threads(config, threads);
    int result = fuse_session_loop_mt(session, config);
    fuse_loop_cfg_destroy(config);
    return result;
}
