// swdd schedule: the units it writes checked by systemd's own `systemd-analyze verify`, the cron
// lines by croniter (PyPI) and field by field, and the generated command lines run for real (as
// systemd or cron would split them) on a small source and a repository in the test's directory,
// judged by sha256sum of a restore and by the log lines. Everything is installed under --root:
// no test writes the real /etc.

import Foundation
import Testing

@Suite("swdd schedule", .serialized)
struct ScheduleReferenceTests {
    /// `execline FILE N`: the Nth ExecStart= of a unit run as systemd would run it — specifiers
    /// (`%%`) resolved on the line, words split with systemd's quotes and C escapes, `$$` made
    /// `$` (systemd.service(5), "Command lines"); any other `%` or `$` fails the run.
    /// `cronline FILE`: the command of a cron.d line run as cron does (crontab(5): `\%` is `%`,
    /// a bare `%` ends the command) through /bin/sh.
    static let prelude = #"""
        sum() { sha256sum < "$1" | cut -d' ' -f1; }
        cat > execline.py <<'PY'
        import os, re, sys
        path, n = sys.argv[1], int(sys.argv[2])
        line = [l for l in open(path).read().split("\n") if l.startswith("ExecStart=")][n - 1][len("ExecStart="):]
        if re.search(r"%[^%]", line.replace("%%", "")): sys.exit("unresolved specifier in " + line)
        line = line.replace("%%", "%")
        words, i = [], 0
        escapes = {"\\": "\\", '"': '"', "'": "'", "n": "\n", "t": "\t", " ": " ", ";": ";"}
        while i < len(line):
            if line[i] in " \t": i += 1; continue
            word = ""
            while i < len(line) and line[i] not in " \t":
                c = line[i]
                if c in "\"'":
                    quote, i = c, i + 1
                    while line[i] != quote:
                        if line[i] == "\\": word += escapes[line[i + 1]]; i += 2
                        else: word += line[i]; i += 1
                    i += 1
                elif c == "\\": word += escapes[line[i + 1]]; i += 2
                else: word += c; i += 1
            if re.search(r"\$[^$]", word.replace("$$", "")): sys.exit("unexpanded variable in " + word)
            words.append(word.replace("$$", "$"))
        os.execv(words[0], words)
        PY
        execline() { python3 execline.py "$@"; }
        cronline() { python3 -c 'import sys, os
        line = [l for l in open(sys.argv[1]).read().split("\n") if l and not l.startswith("#") and "=" not in l.split(" ")[0]][0]
        command = line.split(None, 6)[6]
        out, i = "", 0
        while i < len(command):
            if command[i] == "\\" and command[i + 1:i + 2] == "%": out += "%"; i += 2; continue
            if command[i] == "%": break
            out += command[i]; i += 1
        os.execv("/bin/sh", ["sh", "-c", out])' "$1"; }
        head -c 6M /dev/urandom > "$PWD/my disk \$HOME 100%.raw" && truncate -s 12M "$PWD/my disk \$HOME 100%.raw"
        SRC="$PWD/my disk \$HOME 100%.raw"
        REPO="$PWD/it's \"the\" repo"

        """#

    static let cases: [ScriptCase] = [
        ScriptCase(name: "systemd: the timer and service pass systemd-analyze verify; their ExecStart lines back up and prune", script: """
            mkdir -p root/run/systemd/system
            swdd schedule add nightly --every daily --keep-last 1 --install --root root -- backup "$SRC" "$REPO" --name=-odd --level 3 2> err
            echo "add $?|add 0"
            echo "$(grep -c "installed as a systemd timer and service: .*since systemd runs here" err) 1"
            u=root/etc/systemd/system
            systemd-analyze verify $u/swdd-nightly.timer $u/swdd-nightly.service > verify 2>&1; echo "verify $?|verify 0"
            echo "$(cat verify | wc -l) 0"
            echo "$(grep -c '^Persistent=true$' $u/swdd-nightly.timer) 1"
            echo "$(grep -c '^Type=oneshot$' $u/swdd-nightly.service) 1"
            echo "$(readlink $u/timers.target.wants/swdd-nightly.timer) /etc/systemd/system/swdd-nightly.timer"
            # Two days apart: prune's "newest" is by creation time, to the second.
            SWDD_NOW=2026-11-01T10:00 execline $u/swdd-nightly.service 1 2> log1; echo "run $?|run 0"
            echo "$(wc -l < log1) 1"
            echo "$(grep -c "^swdd: schedule nightly: full image [0-9a-f]* of '$SRC' into '$REPO' (chain '-odd'): 6.0 MiB changed, .* stored, in " log1) 1"
            head -c 1M /dev/urandom | dd of="$SRC" bs=1M seek=2 conv=notrunc status=none
            SWDD_NOW=2026-11-02T10:00 execline $u/swdd-nightly.service 1 2> log2; echo "again $?|again 0"
            echo "$(grep -c "^swdd: schedule nightly: incremental image .* (chain '-odd', on [0-9a-f]*): 1.0 MiB changed" log2) 1"
            SWDD_NOW=2026-11-02T10:00 execline $u/swdd-nightly.service 2 > out 2> log3; echo "prune $?|prune 0"
            echo "$(cat log3)|swdd: schedule nightly: pruned chain '-odd' of '$REPO': removed 0 images (0 B), kept 2"
            echo "$(wc -c < out) 0"
            swdd restore "$REPO" back.raw --quiet; echo "$(sum back.raw) $(sum "$SRC")"
            swdd schedule list --root root > list; echo "list $?|list 0"
            echo "$(sed -n 2p list | awk '{print $1, $2, $3}')|nightly systemd daily"
            """, requires: ("command -v systemd-analyze", "systemd-analyze is not installed (scripts/setup installs systemd)")),
        ScriptCase(name: "cron.d: the line parses (croniter and field by field) and runs through sh; a locked repository is one line and exit 5", script: """
            swdd schedule add hourly-disk --cron '15 */2 * * mon-fri' --keep-daily 3 --install --root root -- backup "$SRC" "$REPO" 2> err
            echo "add $?|add 0"
            echo "$(grep -c "installed as a cron.d entry: /etc/cron.d/swdd-hourly-disk .*since --cron was given" err) 1"
            f=root/etc/cron.d/swdd-hourly-disk
            line=$(grep -v -e '^#' -e '^[A-Z]*=' $f | grep .)
            echo "$(echo "$line" | cut -d' ' -f1-6)|15 */2 * * mon-fri root"
            python3 -c "import croniter, sys; print(croniter.croniter.is_valid(sys.argv[1]))" "$(echo "$line" | cut -d' ' -f1-5)" > valid
            echo "$(cat valid) True"
            # cron ignores a last line without its newline.
            echo "$(tail -c 1 $f | wc -l) 1"
            cronline $f 2> log; echo "run $?|run 0"
            echo "$(grep -c "^swdd: schedule hourly-disk: full image .* of '$SRC' into '$REPO' (chain 'hourly-disk')" log) 1"
            echo "$(grep -c "^swdd: schedule hourly-disk: pruned chain 'hourly-disk' of '$REPO': removed 0 images (0 B), kept 1$" log) 1"
            echo "$(wc -l < log) 2"
            printf 'swdd-lock 1\\nid live\\nuse append\\nhost elsewhere\\npid 1\\ncreated 1\\nexpires 99999999999\\n' > "$REPO/locks/live.lock"
            cronline $f 2> log; echo "locked $?|locked 5"
            echo "$(wc -l < log) 1"
            echo "$(grep -c 'locked by a backup on elsewhere (PID 1)' log) 1"
            """, requires: ("python3 -c 'import croniter'", "croniter is not installed (scripts/setup installs it)")),
        ScriptCase(name: "refusals: bad times, backup arguments that would not parse, relative paths, an existing schedule without --overwrite", script: """
            swdd schedule add a --cron '61 * * * *' -- backup "$SRC" "$REPO" 2> err; echo "cron $?|cron 2"
            echo "$(cat err)|swdd: invalid cron time '61 * * * *': minute '61': 61 is outside 0-59"
            swdd schedule add a --cron '0 0 * jan-mar *' -- backup "$SRC" "$REPO" > out 2> err; echo "names $?|names 0"
            echo "$(grep -c "^0 0 [*] jan-mar [*] root " out) 1"
            swdd schedule add a --cron '0 0 * * 8' -- backup "$SRC" "$REPO" 2> err; echo "weekday $?|weekday 2"
            swdd schedule add a --every fortnightly -- backup "$SRC" "$REPO" 2> err; echo "every $?|every 2"
            swdd schedule add a --every daily -- backup "$SRC" "$REPO" --level abc 2> err; echo "level $?|level 2"
            echo "$(grep -c "^swdd: the backup would not run: " err) 1"
            swdd schedule add a --every daily -- backup src.raw "$REPO" 2> err; echo "relative $?|relative 2"
            swdd schedule add a --every daily -- backup "$SRC" "$REPO" --scheduled x 2> err; echo "scheduled $?|scheduled 2"
            swdd schedule add a --every daily --calendar daily -- backup "$SRC" "$REPO" 2> err; echo "two $?|two 2"
            swdd schedule add a.b --every daily -- backup "$SRC" "$REPO" 2> err; echo "name $?|name 2"
            swdd schedule add a --calendar 'Mon *-*-* 02:30' --root root -- backup "$SRC" "$REPO" 2> err; echo "calendar on cron $?|calendar on cron 2"
            mkdir -p root/run/systemd/system
            if command -v systemd-analyze > /dev/null; then
                swdd schedule add a --calendar 'Mon,Fry 02:30' --root root -- backup "$SRC" "$REPO" 2> err; echo "bad calendar $?|bad calendar 2"
                echo "$(grep -c "systemd-analyze calendar says: Failed to parse calendar specification" err) 1"
                swdd schedule add a --calendar 'mon 2:30' --install --root root -- backup "$SRC" "$REPO" 2> err; echo "calendar $?|calendar 0"
                echo "$(grep '^OnCalendar=' root/etc/systemd/system/swdd-a.timer)|OnCalendar=Mon *-*-* 02:30:00"
            else
                echo "SKIP the calendar checks: no systemd-analyze here"
                swdd schedule add a --every daily --install --root root -- backup "$SRC" "$REPO" 2> err
            fi
            swdd schedule add a --every weekly --install --root root -- backup "$SRC" "$REPO" 2> err; echo "exists $?|exists 1"
            echo "$(grep -c "already installed (systemd): --overwrite replaces it" err) 1"
            swdd schedule add a --every weekly --cron '0 3 * * *' --install --root root -- backup "$SRC" "$REPO" 2> err; echo "two times $?|two times 2"
            swdd schedule add a --cron '0 3 * * *' --overwrite --install --root root -- backup "$SRC" "$REPO" 2> err; echo "overwrite $?|overwrite 0"
            echo "$(ls root/etc/systemd/system root/etc/systemd/system/timers.target.wants root/etc/cron.d | grep -c swdd-a)|1"
            echo 'not ours' > root/etc/cron.d/swdd-mine
            swdd schedule remove mine --root root 2> err; echo "foreign $?|foreign 1"
            echo "$(cat root/etc/cron.d/swdd-mine)|not ours"
            swdd schedule remove a --root root; echo "remove $?|remove 0"
            swdd schedule remove a --root root 2> err; echo "gone $?|gone 1"
            echo "$(ls root/etc/cron.d)|swdd-mine"
            """),
        ScriptCase(name: "apply: a policy, the same again (nothing changes), an edited one (the plan names exactly the difference)", script: """
            # YAML's double quotes take the source's spaces, '$' and '%' as they are.
            REPO="$PWD/policy repo"
            mkdir -p root/run/systemd/system root/etc/cron.d
            echo 'someone else' > root/etc/cron.d/swdd-legacy
            cat > policy.yaml <<YAML
            # two backups of one disk
            schedules:
              nightly:
                source: "$SRC"
                repository: "$REPO"
                every: daily
                keep: {last: 3, daily: 7}
              offsite:
                source: "$SRC"
                repository: "$PWD/second"
                chain: disk
                cron: "30 2 * * *"
                options: [--level, "5"]
            YAML
            swdd schedule apply policy.yaml --root root --dry-run > plan 2> err; echo "dry $?|dry 0"
            echo "$(ls root/etc/systemd/system 2>/dev/null | wc -l) 0"
            swdd schedule apply policy.yaml --root root > plan 2> err; echo "apply $?|apply 0"
            echo "$(sed -n 1p plan)|+ add nightly (systemd): daily; back up '$SRC' into '$REPO' as chain nightly; keep last=3 daily=7"
            echo "$(sed -n 2p plan)|+ add offsite (cron): cron 30 2 * * *; back up '$SRC' into $PWD/second as chain disk with --level 5; keep none"
            echo "$(sed -n 3p plan)|plan: 2 to add, 0 to change, 0 to remove, 0 unchanged"
            echo "$(grep -c "swdd-legacy' is named like a schedule but was not written by swdd: left alone" err) 1"
            if command -v systemd-analyze > /dev/null; then
                systemd-analyze verify root/etc/systemd/system/swdd-nightly.*; echo "verify $?|verify 0"
            else
                echo "SKIP systemd-analyze verify of the units: no systemd-analyze here"
            fi
            find root -type f -exec sha256sum {} + | sort > before
            sleep 1
            swdd schedule apply policy.yaml --root root > plan 2> err; echo "again $?|again 0"
            echo "$(cat plan)|plan: 0 to add, 0 to change, 0 to remove, 2 unchanged"
            find root -type f -exec sha256sum {} + | sort > after; echo "$(sum after) $(sum before)"
            echo "$(find root -newer before -type f | wc -l) 0"
            sed -i -e 's/every: daily/every: weekly/' -e 's/last: 3/last: 5/' -e '/offsite:/,$d' policy.yaml
            cat >> policy.yaml <<YAML
              hourly:
                source: "$SRC"
                repository: "$REPO"
                chain: quick
                every: hourly
            YAML
            swdd schedule apply policy.yaml --root root > plan 2> err; echo "edit $?|edit 0"
            echo "$(sed -n 1p plan)|~ change nightly: when daily → weekly; keep last=3 daily=7 → last=5 daily=7"
            echo "$(sed -n 2p plan | cut -c1-30)|+ add hourly (systemd): hourly"
            echo "$(sed -n 3p plan)|- remove offsite (cron): not in the policy"
            echo "$(sed -n 4p plan)|plan: 1 to add, 1 to change, 1 to remove, 0 unchanged"
            swdd schedule list --root root | awk 'NR > 1 {print $1, $2, $3}' | tr '\\n' ' ' > list
            echo "$(cat list)|hourly systemd hourly nightly systemd weekly "
            echo "$(cat root/etc/cron.d/swdd-legacy)|someone else"
            swdd schedule apply policy.yaml --root root > plan; echo "$(cat plan)|plan: 0 to add, 0 to change, 0 to remove, 2 unchanged"
            printf 'schedules:\\n  x:\\n    source: /a\\n    repository: /b\\n    every: daily\\n    kepp: {last: 1}\\n' > typo.yaml
            swdd schedule apply typo.yaml --root root 2> err; echo "typo $?|typo 2"
            echo "$(cat err)|swdd: policy 'typo.yaml' line 6: schedule 'x': unknown key 'kepp' (expected source, repository, chain, every, calendar, cron, keep, options)"
            """),
    ]

    @Test("matches the reference tools", arguments: cases)
    func matchesReferenceTools(_ c: ScriptCase) throws {
        try c.run(prelude: Self.prelude)
    }
}
