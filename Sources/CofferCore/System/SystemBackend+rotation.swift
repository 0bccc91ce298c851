import CofferEncoding
import CofferMountKit
import Foundation

extension SystemBackend {
    /// `sys/rotate`, `sys/rotate/keyring`, `sys/key-status` and `sys/rotate/config`:
    /// the barrier's data key, as OpenBao serves them (checked against `bao server -dev`).
    func keyringEndpoint(_ call: BackendCall, _ path: String) async throws -> Response? {
        let operation = call.request.operation
        switch path {
        case "rotate", "rotate/keyring":
            guard operation == .write else { throw CoreError.unsupportedOperation }
            try await barrier.rotate()
            return .noContent
        case "key-status":
            guard operation == .read else { throw CoreError.unsupportedOperation }
            let status = try barrier.keyStatus()
            return Self.copiedToTop(
                call,
                [
                    "term": .int(Int64(status.term)),
                    "install_time": .string(Timestamps.rfc3339(status.installTime)),
                    "encryptions": .int(Int64(clamping: status.encryptions)),
                ])
        case "rotate/config":
            switch operation {
            case .read: return try rotationConfigAnswer(call)
            case .write: return try await updateRotationConfig(call)
            default: throw CoreError.unsupportedOperation
            }
        default:
            return nil
        }
    }

    private func rotationConfigAnswer(_ call: BackendCall) throws -> Response {
        let config = try barrier.rotationConfig()
        // OpenBao shows an unset interval as the number 0 and a set one as Go text.
        let interval: JSONValue = config.interval == 0 ? .int(0) : .string(GoDuration.format(seconds: config.interval))
        return .logical(
            LogicalResponse(
                requestID: call.request.id,
                data: [
                    "enabled": .bool(config.enabled), "interval": interval, "max_operations": .int(config.maxOperations),
                ]))
    }

    private func updateRotationConfig(_ call: BackendCall) async throws -> Response {
        let fields = RequestFields(call.request.data)
        var config = try barrier.rotationConfig()
        let maxOperations = try fields.int("max_operations")
        let interval = try fields.duration("interval")
        if let problem = KeyRotationConfig.validate(maxOperations: maxOperations, interval: interval) {
            throw CoreError.badRequest(problem)
        }
        if let maxOperations { config.maxOperations = maxOperations }
        if let interval { config.interval = interval }
        if let enabled = try fields.bool("enabled") { config.enabled = enabled }
        try await barrier.setRotationConfig(config)
        return .noContent
    }
}
