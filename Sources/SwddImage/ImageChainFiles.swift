import SwddSystem

/// Where the images of a chain are found on disk: each image is named after its id,
/// `ID.img.zst`, in one directory (a repository's `images/`, or wherever they were copied
/// together), so an incremental image's parent is the file named after its parent id beside it.
public enum ImageChainFiles {
    /// The file name of the image with this id.
    public static func fileName(id: [UInt8]) -> String { ImageWriter.hex(id) + ".img.zst" }

    /// Opens the image at `path` and checks its structure.
    public static func member(opening path: String, name: String? = nil) throws -> RestorePoint.Member {
        let descriptor = try FileDescriptor.open(path, flags: [.readOnly, .closeOnExec])
        do {
            return RestorePoint.Member(name: name ?? path, layout: try ImageLayout.read(descriptor), bytes: descriptor)
        } catch {
            try? descriptor.close()
            throw error
        }
    }

    /// The image at `path` and, when it has parents, those found beside it, as one restore
    /// point; the point is incomplete (`RestorePoint.isComplete`) when a parent is missing, and
    /// any image found that does not fit the chain is refused.
    public static func point(opening path: String) throws -> RestorePoint {
        var members = [try member(opening: path)]
        let directory = FileSystemPath.directory(of: path)
        while let last = members.last, last.layout.metadata.hasParent, members.count <= 10_000 {
            let parent = directory + "/" + fileName(id: last.layout.metadata.parentID)
            guard FileSystemPath.exists(parent) else { return try RestorePoint(partialChain: members) }
            members.append(try member(opening: parent))
        }
        return try RestorePoint(chain: members)
    }
}
