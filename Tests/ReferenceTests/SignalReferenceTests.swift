// Signals: SIGUSR1 prints statistics and the copy goes on; SIGINT prints them and the process dies
// of SIGINT (the shell reports 130). A background job of a non-interactive shell starts with SIGINT
// ignored (and dd then leaves it ignored), so `env --default-signal=INT` restores the default.
// Counts depend on timing, so stderr is compared by shape (`N+N records in`), not by numbers.

import Testing

enum SignalCases {
    /// `ready PID`: waits until the process has taken charge of SIGUSR1 (caught it, as GNU dd
    /// does, or blocked it for a signal thread, as swdd does): a signal sent before that would
    /// kill it, and on a loaded machine a process may take longer than any fixed sleep to start.
    static let ready = #"ready() { for n in $(seq 250); do for m in $(awk '/^Sig(Blk|Cgt):/ { print $2 }' /proc/$1/status 2>/dev/null); do [ $(( 0x$m >> 9 & 1 )) = 1 ] && return 0; done; sleep 0.02; done; }; "#

    /// Starts `dd …` in the background, runs `then` (kill commands, sleeps) once it is ready and
    /// has copied a while, waits, prints the status.
    static func run(_ operands: String, _ then: String) -> String {
        ready + "env --default-signal=INT dd \(operands) & p=$!; ready $p; sleep 0.3; \(then); wait $p; echo \"exit $?\""
    }

    static let all: [DDCase] = [
        DDCase(name: "SIGUSR1 then SIGINT", command: run("if=/dev/zero of=/dev/null bs=1",
                                                         "kill -USR1 $p; sleep 0.2; kill -INT $p")),
        DDCase(name: "SIGUSR1 twice then SIGINT", command: run("if=/dev/zero of=/dev/null bs=1",
                                                               "kill -USR1 $p; sleep 0.15; kill -USR1 $p; sleep 0.15; kill -INT $p")),
        DDCase(name: "SIGINT", command: run("if=/dev/zero of=/dev/null bs=1", "kill -INT $p")),
        DDCase(name: "SIGINT bs=512 to a file", setup: "touch out", command: run("if=/dev/zero of=/dev/null bs=512", "kill -INT $p")),
        // The shell's own "Terminated" notice depends on when it reaps the job, so it is kept out
        // of the comparison; dd's statistics and the exit status (143) are compared.
        DDCase(name: "SIGUSR1 then SIGTERM (not caught)", command:
               ready + "env --default-signal=INT dd if=/dev/zero of=/dev/null bs=1 & p=$!; ready $p; sleep 0.3; kill -USR1 $p; sleep 0.2; "
               + "kill -TERM $p; { wait $p; echo \"exit $?\"; } 2>/dev/null"),
        DDCase(name: "SIGUSR1 status=noxfer", command: run("if=/dev/zero of=/dev/null bs=1 status=noxfer",
                                                           "kill -USR1 $p; sleep 0.2; kill -INT $p")),
        DDCase(name: "SIGUSR1 status=none", command: run("if=/dev/zero of=/dev/null bs=1 status=none",
                                                         "kill -USR1 $p; sleep 0.2; kill -INT $p")),
        DDCase(name: "SIGUSR1 then normal end", command:
               ready + "{ head -c 1000 /dev/zero; sleep 1.5; } | dd bs=1 of=/dev/null & p=$!; ready $p; sleep 0.1; kill -USR1 $p; wait $p; echo \"exit $?\""),
        // The signal lands in the first pause, between the first piece and the second.
        DDCase(name: "SIGUSR1 with partial records from a pipe", command:
               ready + "PAUSE=1.5 slow abc defgh ij | dd bs=4 of=/dev/null & p=$!; ready $p; sleep 0.1; kill -USR1 $p; wait $p; echo \"exit $?\""),
        DDCase(name: "SIGINT while blocked on a pipe read", command:
               ready + "sleep 3 | env --default-signal=INT dd bs=4 of=/dev/null & p=$!; ready $p; sleep 0.1; kill -INT $p; wait $p; echo \"exit $?\""),
    ].map { var c = $0; c.stderrComparison = .shape; return c }
     .withUTF8 { $0.name == "SIGUSR1 then SIGINT" }
}

@Suite("dd reference: signals", .serialized)
struct SignalReferenceTests {
    @Test("GNU dd and swdd agree", arguments: SignalCases.all)
    func agrees(_ c: DDCase) throws {
        try DDReference.compare(c)
    }
}
