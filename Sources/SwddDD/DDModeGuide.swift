/// dd mode described in swdd's own words: the operands, conversions and flags it accepts, for
/// `swdd --help` and the manual page, which render the same entries.
///
/// GNU's own text (``DDHelp``) stays byte for byte what a `dd` symlink prints; this one is
/// swdd's, so it also says what swdd does beyond dd (the extension operands, the refusals).
/// Every symbol of ``DDConversions/symbols`` and ``DDFlags/symbols`` has an entry, which a test
/// checks, so a new symbol cannot be left out of the help.
public enum DDModeGuide {
    /// A term (`if=FILE`, `sparse`) and what it does, in one or two sentences.
    public struct Entry: Sendable, Equatable {
        public var term: String
        public var text: String
    }

    /// A titled list of entries with a sentence before it.
    public struct Section: Sendable, Equatable {
        public var title: String
        public var introduction: String
        public var entries: [Entry]
    }

    /// What dd mode is, before the sections.
    public static let summary = """
        A command line whose first argument is not a subcommand is GNU dd's (coreutils 9.x): \
        the same operands, number suffixes, bytes out, 'N+M records in/out' summary, messages \
        and exit statuses, on swdd's engine (large aligned buffers, a thread per step, \
        copy_file_range, SEEK_DATA, O_DIRECT). Messages start with the name swdd was invoked \
        by; through a symlink named dd, swdd is dd only.
        """

    public static let sections: [Section] = [
        Section(title: "Operands", introduction: "Each is NAME=VALUE; a later one overrides an earlier one.", entries: [
            Entry(term: "if=FILE", text: "Read FILE instead of standard input."),
            Entry(term: "of=FILE", text: "Write FILE instead of standard output; truncated first unless conv=notrunc."),
            Entry(term: "bs=BYTES", text: "Read and write BYTES at a time (default 512); sets ibs and obs. Records are counted in it; swdd still moves files and devices in MiB-sized chunks."),
            Entry(term: "ibs=BYTES", text: "Input block size (default 512)."),
            Entry(term: "obs=BYTES", text: "Output block size (default 512)."),
            Entry(term: "cbs=BYTES", text: "Record length for conv=block, unblock, ascii, ebcdic and ibm."),
            Entry(term: "count=N", text: "Copy only N input blocks (bytes with iflag=count_bytes or an N ending in B)."),
            Entry(term: "skip=N, iseek=N", text: "Skip N ibs-sized blocks at the start of the input."),
            Entry(term: "seek=N, oseek=N", text: "Skip N obs-sized blocks at the start of the output."),
            Entry(term: "conv=CONVS", text: "Conversions, comma-separated (below)."),
            Entry(term: "iflag=FLAGS", text: "Input flags, comma-separated (below)."),
            Entry(term: "oflag=FLAGS", text: "Output flags, comma-separated (below)."),
            Entry(term: "status=LEVEL", text: "none: only errors; noxfer: no transfer line in the summary; progress: a progress line every second."),
        ]),
        Section(title: "Operands swdd adds", introduction: "GNU dd rejects these, so no valid dd command line changes meaning.", entries: [
            Entry(term: "force=yes", text: "Write to a block device even though it is mounted, active swap or held by another process, or create a regular file directly in the devtmpfs /dev (both refused otherwise)."),
            Entry(term: "hash=ALG[,ALG]", text: "After the summary, print the digest of the data written as sha256sum prints it (md5, sha1, sha256, sha512), computed on threads of its own while copying."),
            Entry(term: "hashlog=FILE", text: "Also write the digest lines to FILE, for sha256sum -c (hash=sha256 when no hash= is given)."),
            Entry(term: "compress=zstd[:LEVEL]", text: "Write of= as a swdd image (as swdd image writes it), reading if=, skip= and count= as dd does; seek=, conv=, oflag= and hash= are refused with it."),
        ]),
        Section(title: "Numbers", introduction: "BYTES and N may end in a multiplier, as in GNU dd.", entries: [
            Entry(term: "c, w, b", text: "1, 2 and 512."),
            Entry(term: "kB, MB, GB, ...", text: "Powers of 1000 (T, P, E, Z, Y likewise)."),
            Entry(term: "K, M, G, ... (KiB, MiB, GiB)", text: "Powers of 1024; xM is M."),
            Entry(term: "NxM", text: "The product of N and M."),
        ]),
        Section(title: "Conversions (conv=)", introduction: "Symbols, comma-separated.", entries: [
            Entry(term: "ascii", text: "EBCDIC to ASCII (implies unblock)."),
            Entry(term: "ebcdic", text: "ASCII to EBCDIC (implies block)."),
            Entry(term: "ibm", text: "ASCII to IBM's alternate EBCDIC (implies block)."),
            Entry(term: "block", text: "Newline-terminated records to cbs-sized records padded with spaces."),
            Entry(term: "unblock", text: "cbs-sized records to lines, trailing spaces removed."),
            Entry(term: "lcase", text: "Upper case to lower case."),
            Entry(term: "ucase", text: "Lower case to upper case."),
            Entry(term: "sparse", text: "Seek over all-zero output blocks instead of writing them; holes of the input are never read."),
            Entry(term: "swab", text: "Swap every pair of input bytes."),
            Entry(term: "sync", text: "Pad every input block to ibs with zeros (spaces with block or unblock)."),
            Entry(term: "noerror", text: "Go on after read errors (with sync, the bad block becomes zeros)."),
            Entry(term: "nocreat", text: "Do not create the output file."),
            Entry(term: "excl", text: "Fail if the output file already exists."),
            Entry(term: "notrunc", text: "Do not truncate the output file."),
            Entry(term: "fdatasync", text: "Write the output's data to the disk before the end."),
            Entry(term: "fsync", text: "The same, metadata included."),
        ]),
        Section(title: "Flags (iflag=, oflag=)", introduction: "Symbols, comma-separated.", entries: [
            Entry(term: "append", text: "Append to the output (use with conv=notrunc)."),
            Entry(term: "direct", text: "O_DIRECT: past the page cache, buffers aligned to the device's sector; an unaligned last block is written as GNU dd writes it."),
            Entry(term: "directory", text: "Fail unless the file is a directory."),
            Entry(term: "dsync", text: "O_DSYNC: every write reaches the disk."),
            Entry(term: "sync", text: "O_SYNC: the same, metadata included."),
            Entry(term: "noatime", text: "Do not update the access time."),
            Entry(term: "nocache", text: "Drop the data from the page cache, as GNU dd does."),
            Entry(term: "noctty", text: "Do not take the file as controlling terminal."),
            Entry(term: "nofollow", text: "Do not follow a symbolic link."),
            Entry(term: "nonblock", text: "O_NONBLOCK."),
            Entry(term: "fullblock", text: "Read until a whole input block is filled (iflag only)."),
            Entry(term: "count_bytes", text: "count= is in bytes (iflag only)."),
            Entry(term: "skip_bytes", text: "skip= is in bytes (iflag only)."),
            Entry(term: "seek_bytes", text: "seek= is in bytes (oflag only)."),
        ]),
        Section(title: "Signals", introduction: "As in GNU dd.", entries: [
            Entry(term: "SIGUSR1", text: "Print the statistics so far and go on."),
            Entry(term: "SIGINT", text: "Print the statistics so far and stop."),
        ]),
    ]
}
