import Foundation
import Synchronization

/// Maps items on `jobs` threads and returns the results in the items' order.
enum ParallelMap {
    static func map<Item: Sendable, Result: Sendable>(
        _ items: [Item], jobs: Int, _ transform: @Sendable (Item) -> Result
    ) -> [Result] {
        guard jobs > 1, items.count > 1 else { return items.map(transform) }
        let results = Mutex([Result?](repeating: nil, count: items.count))
        let stripes = min(jobs, items.count)
        // Striped rather than chunked: neighbouring files are often alike in size.
        DispatchQueue.concurrentPerform(iterations: stripes) { stripe in
            for index in stride(from: stripe, to: items.count, by: stripes) {
                let result = transform(items[index])
                results.withLock { $0[index] = result }
            }
        }
        return results.withLock { $0 }.compactMap { $0 }
    }
}
