import Testing
@testable import SwddMount

/// The overlay's map of written bytes: inserts merge what overlaps or touches, lookups clip.
struct WrittenRangesTests {
    @Test func mergesOverlappingAndTouchingRanges() {
        var map = WrittenRanges()
        map.insert(10..<20)
        map.insert(30..<40)
        #expect(map.ranges == [10..<20, 30..<40])
        map.insert(20..<25)  // touches the first
        #expect(map.ranges == [10..<25, 30..<40])
        map.insert(5..<35)  // swallows one, reaches into the next
        #expect(map.ranges == [5..<40])
        map.insert(50..<50)  // empty: nothing
        #expect(map.ranges == [5..<40])
        map.insert(0..<2)
        #expect(map.ranges == [0..<2, 5..<40])
    }

    @Test func writtenPartsAreClippedToTheRangeAsked() {
        var map = WrittenRanges()
        map.insert(10..<20)
        map.insert(30..<40)
        #expect(map.written(in: 0..<10) == [])
        #expect(map.written(in: 15..<35) == [15..<20, 30..<35])
        #expect(map.written(in: 0..<100) == [10..<20, 30..<40])
        #expect(map.written(in: 20..<30) == [])
        #expect(map.written(in: 39..<41) == [39..<40])
    }
}
