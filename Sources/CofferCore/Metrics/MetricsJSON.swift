import CofferEncoding
import Foundation

/// The JSON form of `sys/metrics` (Vault's: `Timestamp`, `Gauges`, `Counters`,
/// `Samples`, `Points`), read from the Prometheus text the registry writes, so
/// both forms come from one source and the hot path records once.
///
/// Gauges give `Value`; counters `Count` and `Sum` (both the running total: the
/// registry keeps no per-interval figures, unlike go-metrics' in-memory sink);
/// histograms become samples with `Count`, `Sum` and `Mean` (durations in
/// seconds). Names are the Prometheus names (`coffer_requests_total`).
package enum MetricsJSON {
    package static func body(prometheusText text: String, at time: Date) -> [(String, JSONValue)] {
        var types: [String: String] = [:]
        var gauges: [JSONValue] = []
        var counters: [JSONValue] = []
        var histograms: [String: (name: String, labels: [String: String], count: Double, sum: Double)] = [:]
        var histogramOrder: [String] = []

        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("# TYPE ") {
                let words = line.dropFirst(7).split(separator: " ")
                if words.count == 2 { types[String(words[0])] = String(words[1]) }
                continue
            }
            guard !line.hasPrefix("#"), let sample = Sample(line) else { continue }
            if types[sample.name] == "gauge" {
                gauges.append(["Name": .string(sample.name), "Value": number(sample.value), "Labels": labels(sample.labels)])
            } else if types[sample.name] == "counter" {
                counters.append([
                    "Name": .string(sample.name), "Count": number(sample.value), "Sum": number(sample.value),
                    "Labels": labels(sample.labels),
                ])
            } else if let (family, part) = histogramPart(sample.name, types) {
                let key = family + "\u{0}" + sample.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
                var entry = histograms[key] ?? (name: family, labels: sample.labels, count: 0, sum: 0)
                if histograms[key] == nil { histogramOrder.append(key) }
                if part == "count" { entry.count = sample.value } else { entry.sum = sample.value }
                histograms[key] = entry
            }
        }
        let samples: [JSONValue] = histogramOrder.compactMap { key in
            guard let entry = histograms[key] else { return nil }
            return [
                "Name": .string(entry.name), "Count": number(entry.count), "Sum": number(entry.sum),
                "Mean": number(entry.count > 0 ? entry.sum / entry.count : 0), "Labels": labels(entry.labels),
            ]
        }
        return [
            ("Timestamp", .string(timestamp(time))),
            ("Gauges", .array(gauges)),
            ("Points", .array([])),
            ("Counters", .array(counters)),
            ("Samples", .array(samples)),
        ]
    }

    /// `name_sum` or `name_count` of a histogram family (buckets are left out).
    private static func histogramPart(_ name: String, _ types: [String: String]) -> (String, String)? {
        for part in ["sum", "count"] where name.hasSuffix("_" + part) {
            let family = String(name.dropLast(part.count + 1))
            if types[family] == "histogram" || types[family] == "summary" { return (family, part) }
        }
        return nil
    }

    private static func labels(_ labels: [String: String]) -> JSONValue {
        .object(labels.mapValues { .string($0) })
    }

    /// Whole numbers as integers, as Go writes them; a value JSON cannot hold as null.
    private static func number(_ value: Double) -> JSONValue {
        guard value.isFinite else { return .null }
        if value == value.rounded(), abs(value) < 9e15 { return .int(Int64(value)) }
        return .double(value)
    }

    /// Go's `time.Time` default form, as Vault shows it: `2026-12-03 19:20:10 +0000 UTC`.
    static func timestamp(_ time: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss '+0000 UTC'"
        return formatter.string(from: time)
    }

    /// One sample line: `name{key="value",...} number`.
    struct Sample {
        let name: String
        let labels: [String: String]
        let value: Double

        init?(_ line: Substring) {
            let bytes = Array(line.utf8)
            var index = 0
            while index < bytes.count, bytes[index] != UInt8(ascii: "{"), bytes[index] != UInt8(ascii: " ") { index += 1 }
            name = String(decoding: bytes[..<index], as: UTF8.self)
            var labels: [String: String] = [:]
            if index < bytes.count, bytes[index] == UInt8(ascii: "{") {
                index += 1
                while index < bytes.count, bytes[index] != UInt8(ascii: "}") {
                    guard let (key, value, next) = Self.label(bytes, from: index) else { return nil }
                    labels[key] = value
                    index = next
                }
                index += 1
            }
            self.labels = labels
            let rest = String(decoding: bytes[min(index, bytes.count)...], as: UTF8.self).trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, let number = Self.number(rest.split(separator: " ").first.map(String.init) ?? "") else { return nil }
            value = number
        }

        private static func number(_ text: String) -> Double? {
            switch text {
            case "+Inf": .infinity
            case "-Inf": -.infinity
            default: Double(text)
            }
        }

        /// `key="value"` from `start`, with the value's escapes (`\\`, `\"`, `\n`)
        /// undone; returns the index after it (and after a following comma).
        private static func label(_ bytes: [UInt8], from start: Int) -> (String, String, Int)? {
            var index = start
            while index < bytes.count, bytes[index] != UInt8(ascii: "=") { index += 1 }
            guard index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\"") else { return nil }
            let key = String(decoding: bytes[start..<index], as: UTF8.self)
            index += 2
            var value: [UInt8] = []
            while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                if bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count {
                    index += 1
                    value.append(bytes[index] == UInt8(ascii: "n") ? UInt8(ascii: "\n") : bytes[index])
                } else {
                    value.append(bytes[index])
                }
                index += 1
            }
            guard index < bytes.count else { return nil }
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: ",") { index += 1 }
            return (key, String(decoding: value, as: UTF8.self), index)
        }
    }
}
