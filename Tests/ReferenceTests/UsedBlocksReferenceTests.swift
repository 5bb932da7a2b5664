// `swdd image --used` against the tools made for each filesystem: fixtures made by mkfs.ext4,
// mkfs.vfat, mkfs.exfat and mkswap (populated through a loop mount, mtools or exfat-fuse, with
// random data written and then deleted, so free space holds old non-zero bytes), imaged with
// --used, restored onto targets full of random garbage, then e2fsck -fn / fsck.vfat -n /
// fsck.exfat -n must be clean and every file must have its SHA-256; partclone's "used" count
// must equal swdd's. Each script prints pairs "<what happened>|<what must happen>", as
// `ScriptCase` does; the cleanup (unmount, detach) runs whether the script finished or not.

import Foundation
import Testing

@Suite(.serialized) struct UsedBlocksReferenceTests {
    struct UsedCase: Sendable, CustomTestStringConvertible {
        var name: String
        var tools: [String]
        var script: String
        var testDescription: String { name }
    }

    static let setup = #"""
        mkdir m || exit 97
        head -c 24M /dev/urandom > keep; head -c 64M /dev/urandom > junk
        # Random garbage of the size of file $1, as the target a restore writes over.
        garbage() { head -c "$(stat -c %s "$1")" /dev/urandom > "$2"; }
        # Bytes partclone says are in use: its block count times its block size.
        partclone_used() {
            "$@" > pc.log 2>&1
            blocks=$(grep -a 'Space in use' pc.log | sed 's/.*= *\([0-9]*\) Blocks.*/\1/')
            size=$(grep -a 'Block size' pc.log | sed 's/[^0-9]*\([0-9]*\) Byte.*/\1/')
            echo $((blocks * size))
        }
        json() { python3 -c "import json,sys; d=json.load(open('$1')); print(eval(sys.argv[1]))" "$2"; }

        """#

    static let cleanup = #"""
        umount m 2>/dev/null
        for f in fs disk target; do losetup -n -O NAME -j "$PWD/$f" | xargs -r -n1 losetup -d; done
        true
        """#

    static let cases: [UsedCase] = [
        UsedCase(name: "ext4 with deleted data: smaller than a plain image, fsck clean, same files, partclone's count", tools: ["mkfs.ext4", "e2fsck", "partclone.ext4"], script: #"""
            truncate -s 256M fs && mkfs.ext4 -q -F -b 4096 fs && mount -o loop fs m || exit 96
            cp junk m/junk && cp keep m/keep && mkdir m/d && for i in 1 2 3 4 5; do head -c 100000 /dev/urandom > m/d/f$i; done
            sync && rm m/junk && (cd m && find . -type f ! -name lost+found -exec sha256sum {} + | sort) > want && umount m
            swdd image fs used.zst --used 2> err; echo "image $?|image 0"
            echo "$(grep -c '^swdd: used: ext4: .* used of 256 MiB$' err) 1"
            swdd image fs used.zst --used --overwrite --json > used.json 2> /dev/null
            swdd image fs plain.zst 2> /dev/null
            echo "smaller $(( $(stat -c %s used.zst) * 2 < $(stat -c %s plain.zst) ))|smaller 1"
            echo "partclone $(json used.json 'd["filesystems"][0]["used_bytes"]')|partclone $(partclone_used partclone.ext4 -c -s fs -o pc.img)"
            garbage fs target && swdd restore used.zst target --overwrite 2> err; echo "restore $?|restore 0"
            echo "$(grep -c 'of unused blocks left as the target held them' err) 1"
            e2fsck -fn target > /dev/null 2>&1; echo "e2fsck $?|e2fsck 0"
            mount -o loop,ro target m && (cd m && find . -type f ! -name lost+found -exec sha256sum {} + | sort) > got && umount m
            echo "files $(cmp -s want got && echo same)|files same"
            swdd verify used.zst target 2> err; echo "verify $?|verify 0"
            echo "$(grep -c 'in every used block' err) 1"
            swdd restore used.zst zeroed --zero-unused 2> /dev/null && e2fsck -fn zeroed > /dev/null 2>&1; echo "zeroed $?|zeroed 0"
            """#),
        UsedCase(name: "FAT32 and FAT16 through mtools: fsck.vfat clean, same file, partclone's count", tools: ["mkfs.vfat", "fsck.vfat", "mcopy", "partclone.vfat"], script: #"""
            for bits in 32 16; do
                rm -f fs target pc.img; truncate -s 128M fs && mkfs.vfat -F $bits fs > /dev/null
                mcopy -i fs junk keep ::/ && mdel -i fs ::/junk
                swdd image fs used.zst --used --overwrite --json > used.json 2> /dev/null; echo "image $?|image 0"
                echo "unused $(( $(json used.json 'd["unused_blocks"]') > 60 ))|unused 1"
                echo "partclone $(json used.json 'd["filesystems"][0]["used_bytes"]')|partclone $(partclone_used partclone.vfat -c -s fs -o pc.img)"
                garbage fs target && swdd restore used.zst target --overwrite 2> /dev/null; echo "restore $?|restore 0"
                fsck.vfat -n target > /dev/null 2>&1; echo "fsck.vfat $?|fsck.vfat 0"
                rm -f back; mcopy -i target ::/keep back && echo "keep $(sha256sum < back)|keep $(sha256sum < keep)"
            done
            # The dirty bit (set while mounted read-write): kept in full, said once.
            printf '\001' | dd of=fs bs=1 seek=37 conv=notrunc 2> /dev/null
            swdd image fs dirty.zst --used 2> err; echo "$(grep -c 'kept in full (128 MiB): it is marked dirty' err) 1"
            """#),
        UsedCase(name: "exFAT through exfat-fuse on a loop device: fsck.exfat clean, same file", tools: ["mkfs.exfat", "fsck.exfat", "mount.exfat-fuse"], script: #"""
            truncate -s 128M fs && mkfs.exfat fs > /dev/null && L=$(losetup -f --show fs) && mount.exfat-fuse "$L" m || exit 96
            cp junk keep m/ && sync && rm m/junk && umount m && losetup -d "$L"
            swdd image fs used.zst --used --json > used.json 2> /dev/null; echo "image $?|image 0"
            echo "unused $(( $(json used.json 'd["unused_blocks"]') > 60 ))|unused 1"
            garbage fs target && swdd restore used.zst target --overwrite 2> /dev/null; echo "restore $?|restore 0"
            fsck.exfat -n target > /dev/null 2>&1; echo "fsck.exfat $?|fsck.exfat 0"
            L=$(losetup -f --show -r target) && mount.exfat-fuse -o ro "$L" m && echo "keep $(sha256sum < m/keep)|keep $(sha256sum < keep)"
            umount m; losetup -d "$L"
            """#),
        UsedCase(name: "a gpt disk with an EFI vfat, an ext4 and a swap partition round-trips; fdisk -l matches", tools: ["sfdisk", "mkfs.ext4", "e2fsck", "mkfs.vfat", "fsck.vfat", "mkswap", "mcopy"], script: #"""
            truncate -s 200M disk && printf 'label: gpt\n,32M,U\n,128M,L\n,,S\n' | sfdisk -q disk || exit 95
            truncate -s 32M efi && mkfs.vfat efi > /dev/null && mcopy -i efi keep ::/
            truncate -s 128M fs && mkfs.ext4 -q -F fs && mount -o loop fs m && cp junk keep m/ && sync && rm m/junk && umount m
            swap_sectors=$(sfdisk -l -o Size,Sectors disk | tail -1 | awk '{print $2}')
            head -c $((swap_sectors * 512)) /dev/urandom > swap && mkswap swap > /dev/null 2>&1
            start() { sfdisk -J disk | python3 -c "import json,sys; print(json.load(sys.stdin)['partitiontable']['partitions'][$1]['start'])"; }
            dd if=efi of=disk bs=512 seek=$(start 0) conv=notrunc 2> /dev/null
            dd if=fs of=disk bs=512 seek=$(start 1) conv=notrunc 2> /dev/null
            dd if=swap of=disk bs=512 seek=$(start 2) conv=notrunc 2> /dev/null
            swdd image disk used.zst --used 2> err; echo "image $?|image 0"
            echo "$(grep -c '^swdd: used: partition [123], \(vfat\|ext4\|swap\): .* used of' err) 3"
            swdd image disk plain.zst 2> /dev/null
            echo "smaller $(( $(stat -c %s used.zst) * 2 < $(stat -c %s plain.zst) ))|smaller 1"
            garbage disk target && swdd restore used.zst target --overwrite 2> /dev/null; echo "restore $?|restore 0"
            # Without the device column, whose width follows the file's name.
            echo "fdisk $(fdisk -l -o Start,End,Sectors,Type-UUID,UUID target | tail -n +2 | sha256sum)|fdisk $(fdisk -l -o Start,End,Sectors,Type-UUID,UUID disk | tail -n +2 | sha256sum)"
            dd if=target of=p1 bs=512 skip=$(start 0) count=$((32 * 2048)) 2> /dev/null; fsck.vfat -n p1 > /dev/null 2>&1; echo "fsck.vfat $?|fsck.vfat 0"
            dd if=target of=p2 bs=512 skip=$(start 1) count=$((128 * 2048)) 2> /dev/null; e2fsck -fn p2 > /dev/null 2>&1; echo "e2fsck $?|e2fsck 0"
            mount -o loop,ro p2 m && echo "keep $(sha256sum < m/keep)|keep $(sha256sum < keep)"; umount m
            echo "swap $(blkid -o value -s UUID -p -O $(($(start 2) * 512)) target)|swap $(blkid -o value -s UUID swap)"
            swdd list used.zst --fs | grep -c '^[123] .*not stored$' | sed 's/^/listed /;s/$/|listed 3/'
            """#),
        UsedCase(name: "backups: deleting files makes a small incremental, unused whatever the parent had; mounted read-write is kept in full", tools: ["mkfs.ext4", "e2fsck"], script: #"""
            truncate -s 256M fs && mkfs.ext4 -q -F -b 4096 fs && mount -o loop fs m || exit 96
            cp junk m/junk && cp keep m/keep && sync && umount m
            swdd backup fs repo --used --name c 2> /dev/null; echo "full $?|full 0"
            mount -o loop fs m && rm m/junk && sync && umount m
            swdd backup fs repo --used --name c --json > inc.json 2> /dev/null; echo "incremental $?|incremental 0"
            echo "small $(( $(json inc.json 'd["image_bytes"]') < 4 * 1048576 ))|small 1"
            garbage fs target && swdd restore repo target --overwrite --name c 2> /dev/null; echo "restore $?|restore 0"
            e2fsck -fn target > /dev/null 2>&1; echo "e2fsck $?|e2fsck 0"
            mount -o loop,ro target m && echo "keep $(sha256sum < m/keep)|keep $(sha256sum < keep)" && echo "junk $(ls m/junk 2>&1 | grep -c 'No such')|junk 1"; umount m
            L=$(losetup -f --show fs) && mount "$L" m
            swdd image "$L" rw.zst --used 2> err; echo "$(grep -c 'kept in full (256 MiB): mounted read-write' err) 1"
            umount m; losetup -d "$L"
            """#),
    ]

    @Test("images only the used blocks, restores them exactly", arguments: cases)
    func usedBlocks(_ c: UsedCase) throws {
        try BenchCommandTests.skipUnderGNU()
        try BenchCommandTests.skipWithoutLoop()
        for tool in c.tools + ["python3"] where DDReference.shell("command -v \(tool)", in: "/").status != 0 {
            print("SKIP \(c.name): \(tool) is not installed (scripts/setup installs it)")
            try Test.cancel(Comment(rawValue: "\(tool) is not installed"))
        }
        let (dir, bin) = try TargetSafetyReferenceTests.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        defer { _ = DDReference.shell(Self.cleanup, in: dir) }
        let result = DDReference.shell(Self.setup + c.script + "\n" + Self.cleanup, in: dir, path: bin, timeout: 240)
        ScriptCase.expectPairs(result, name: c.name)
    }
}
