import SwddSystem

/// Where the images of a chain are found on disk: each image is named after its id,
/// `ID.img.zst`, in one directory (a repository's `images/`, or wherever they were copied
/// together), so an incremental image's parent is the file named after its parent id beside it.
public enum ImageChainFiles {
    /// The file name of the image with this id.
    public static func fileName(id: [UInt8]) -> String { ImageWriter.hex(id) + ".img.zst" }

    /// Opens the image at `path` and checks its structure (an encrypted one with `key`).
    public static func member(opening path: String, name: String? = nil, key: ImageKey? = nil) throws -> RestorePoint.Member {
        let descriptor = try FileDescriptor.open(path, flags: [.readOnly, .closeOnExec])
        do {
            return RestorePoint.Member(name: name ?? path, layout: try ImageLayout.read(descriptor, key: key), bytes: descriptor)
        } catch {
            try? descriptor.close()
            throw error
        }
    }

    /// The image at `path` and, when it has parents, those found beside it, as one restore
    /// point; the point is incomplete (`RestorePoint.isComplete`) when a parent is missing, and
    /// any image found that does not fit the chain is refused.
    public static func point(opening path: String, key: ImageKey? = nil) throws -> RestorePoint {
        let directory = FileSystemPath.directory(of: path)
        return try point(top: try member(opening: path, key: key)) { name in
            let parent = directory + "/" + name
            return FileSystemPath.exists(parent) ? try member(opening: parent, key: key) : nil
        }
    }

    /// `top` and its parents, each found by `parent(fileName)` (nil: not there).
    public static func point(top: RestorePoint.Member, parent: (String) throws -> RestorePoint.Member?) throws -> RestorePoint {
        var members = [top]
        do {
            while let last = members.last, last.layout.metadata.hasParent, members.count <= 10_000 {
                guard let found = try parent(fileName(id: last.layout.metadata.parentID)) else { return try RestorePoint(partialChain: members) }
                members.append(found)
            }
            return try RestorePoint(chain: members)
        } catch {
            for member in members { member.bytes.release() }
            throw error
        }
    }
}
