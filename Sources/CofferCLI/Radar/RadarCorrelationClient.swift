import CofferEncoding
import CofferRadar
import Foundation

/// The scanner's side of correlation (spec §11): fetches the server's radar key, then sends
/// only slow keyed hashes of candidate values and reads back where Coffer stores them.
/// No value, and no hash of a value under a key Coffer does not hold, ever leaves the machine.
struct RadarCorrelationClient {
    let client: APIClient
    /// The endpoint takes at most this many hashes per call.
    static let batchSize = 1000

    /// `GET sys/radar/key`: the key and the cost of the slow hash the server computes too.
    func hasher() async throws -> CorrelationHasher {
        let answer = try await client.expect("Error reading the radar key", "GET", "sys/radar/key")
        let data = answer.body?["data"]
        guard let encoded = data?["key"]?.stringValue, let key = RadarHashKey(base64: encoded) else {
            throw CLIError("the server's sys/radar/key answer holds no usable key")
        }
        let kdf = data?["kdf"]
        func number(_ name: String) -> Int? {
            if case .int(let value)? = kdf?[name] { return Int(exactly: value) }
            return nil
        }
        guard kdf?["name"]?.stringValue == "scrypt", let n = number("n"), let r = number("r"), let p = number("p"),
            let hasher = CorrelationHasher(hashKey: key, parameters: .init(rounds: n, blockSize: r, parallelism: p))
        else {
            throw CLIError("the server asks for a correlation hash this client does not accept")
        }
        return hasher
    }

    /// `POST sys/radar/correlate` in batches: correlation hash to where Coffer stores the value.
    func matches(_ hashes: [String], endpoint: String = "sys/radar/correlate") async throws -> [String: CofferSecretRef] {
        var found: [String: CofferSecretRef] = [:]
        var start = 0
        while start < hashes.count {
            let batch = Array(hashes[start..<min(hashes.count, start + Self.batchSize)])
            start += batch.count
            let answer = try await client.expect(
                "Error correlating with Coffer", "POST", endpoint, body: ["hashes": JSONValue(batch)])
            for match in answer.body?["data"]?["matches"]?.arrayValue ?? [] {
                guard let ref = Self.reference(match), let hash = match["hash"]?.stringValue else { continue }
                // With several stored copies, the live one is the one to report.
                if let known = found[hash], known.isLive, !ref.isLive { continue }
                found[hash] = ref
            }
        }
        return found
    }

    private static func reference(_ match: JSONValue) -> CofferSecretRef? {
        guard let mount = match["mount"]?.stringValue, let path = match["path"]?.stringValue,
            let field = match["field"]?.stringValue, let state = match["state"]?.stringValue,
            case .int(let version)? = match["version"], let number = Int(exactly: version)
        else { return nil }
        return CofferSecretRef(mount: mount, path: path, field: field, version: number, state: state)
    }
}
