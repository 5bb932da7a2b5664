/// What stages attach to a chunk (a compressed frame, per-block digests), one value per type,
/// so stages written apart need no shared field list: a stage defines its own attachment type
/// and the sink reads it by that type.
public struct ChunkAttachments: Sendable {
    private var values: [ObjectIdentifier: any Sendable] = [:]

    public init() {}

    public subscript<Value: Sendable>(_ type: Value.Type) -> Value? {
        get { values[ObjectIdentifier(type)] as? Value }
        set { values[ObjectIdentifier(type)] = newValue }
    }

    public var isEmpty: Bool { values.isEmpty }

    mutating func removeAll() {
        if !values.isEmpty { values.removeAll(keepingCapacity: true) }
    }
}
