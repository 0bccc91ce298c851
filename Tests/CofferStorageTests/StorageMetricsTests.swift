import Foundation
import MetricsTestKit
import Testing

@testable import CofferStorage

/// Issue 15, storage metrics: the read cache counts hits and misses (its hit
/// rate), and every backend operation is timed by backend and operation,
/// never by key.
@Suite struct StorageMetricsTests {
    @Test("the read cache counts a miss, then hits, for one key")
    func cacheHitsAndMisses() async throws {
        let metrics = TestMetrics()
        let cache = CachedStorage(MemoryStorage(), metrics: metrics)
        try await cache.put("core/key", Data("v".utf8))
        for _ in 0..<3 { _ = try await cache.get("core/key") }
        #expect(metrics.counterTotal(label: CachedStorage.missesLabel) == 1)
        #expect(metrics.counterTotal(label: CachedStorage.hitsLabel) == 2)
    }

    @Test("each operation is timed under its backend and operation, and no key becomes a label")
    func operationsTimedWithoutKeys() async throws {
        let metrics = TestMetrics()
        let storage = MeasuredStorage(MemoryStorage(), metrics: metrics)
        let key = "logical/uuid/data/ci/production/secret-name"
        try await storage.put(key, Data("v".utf8))
        _ = try await storage.get(key)
        _ = try await storage.get(key)
        _ = try await storage.list(prefix: "logical/")
        try await storage.delete(key)
        let get = try metrics.expectTimer(MeasuredStorage.durationLabel, [("backend", "inmem"), ("operation", "get")])
        #expect(get.values.count == 2)
        #expect(try metrics.expectTimer(MeasuredStorage.durationLabel, [("backend", "inmem"), ("operation", "put")]).values.count == 1)
        #expect(try metrics.expectTimer(MeasuredStorage.durationLabel, [("backend", "inmem"), ("operation", "list")]).values.count == 1)
        #expect(try metrics.expectTimer(MeasuredStorage.durationLabel, [("backend", "inmem"), ("operation", "delete")]).values.count == 1)
        let labelValues = metrics.timers.flatMap { $0.dimensions.map { $0.1 } }
        #expect(!labelValues.contains { $0.contains("secret-name") || $0.contains("logical/") })
    }
}
