import Foundation
import Synchronization

/// The service-account token and cluster CA of the pod Coffer runs in, read
/// from `/var/run/secrets/kubernetes.io/serviceaccount/` and read again once a
/// minute: the kubelet rotates the projected token, and Kubernetes advises
/// clients to reload it that often. Used when the config gives no
/// `token_reviewer_jwt` or `kubernetes_ca_cert` and `disable_local_ca_jwt` is
/// false, as Vault does when it runs inside the cluster.
final class LocalServiceAccount: Sendable {
    static let defaultDirectory = "/var/run/secrets/kubernetes.io/serviceaccount"
    static let reloadInterval: TimeInterval = 60
    /// A token or CA bundle is a few kilobytes; a bigger file is not one.
    static let maximumFileSize = 1024 * 1024

    private struct Cached {
        var value: String?
        var readAt: Date
    }

    let directory: String
    private let clock: @Sendable () -> Date
    private let cache = Mutex<[String: Cached]>([:])

    init(directory: String = LocalServiceAccount.defaultDirectory, clock: @escaping @Sendable () -> Date = Date.init) {
        self.directory = directory
        self.clock = clock
    }

    /// The pod's token; nil when there is none (not running in a pod).
    func token() -> String? {
        read("token").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The cluster's CA bundle (PEM); nil when there is none.
    func caCertificate() -> String? { read("ca.crt") }

    /// The file's content, read at most once per `reloadInterval`. A file that
    /// cannot be read is remembered as absent for the same interval.
    private func read(_ file: String) -> String? {
        let now = clock()
        if let cached = cache.withLock({ $0[file] }), now.timeIntervalSince(cached.readAt) < Self.reloadInterval, now >= cached.readAt {
            return cached.value
        }
        let path = (directory as NSString).appendingPathComponent(file)
        var value: String? = nil
        if let handle = FileHandle(forReadingAtPath: path) {
            defer { try? handle.close() }
            if let data = try? handle.read(upToCount: Self.maximumFileSize + 1), data.count <= Self.maximumFileSize {
                value = String(data: data, encoding: .utf8)
            }
        }
        cache.withLock { $0[file] = Cached(value: value, readAt: now) }
        return value
    }
}
