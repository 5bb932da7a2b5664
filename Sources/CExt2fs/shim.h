#include <ext2fs/ext2fs.h>
#include <et/com_err.h>

/* unix_io_manager is a mutable global to Swift's eyes; libext2fs never changes it after load. */
static inline io_manager swdd_unix_io_manager(void) { return unix_io_manager; }
