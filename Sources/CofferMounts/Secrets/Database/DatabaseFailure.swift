import PostgresNIO

/// A database operation that failed, with the database's own reason and no
/// secret in it (a password an error quotes becomes `[password]`).
struct DatabaseFailure: Error, CustomStringConvertible {
    let reason: String
    /// The database answered with an error (bad SQL, a refused login), as
    /// opposed to not answering at all.
    let isFromServer: Bool

    init(reason: String) {
        self.reason = reason
        isFromServer = false
    }

    init(_ error: any Error, hiding secrets: [String]) {
        isFromServer = Self.serverInfo(of: error) != nil
        var text = Self.describe(error)
        for secret in secrets where !secret.isEmpty { text = text.replacingOccurrences(of: secret, with: "[password]") }
        reason = text
    }

    var description: String { reason }

    private static func serverInfo(of error: any Error) -> PSQLError.ServerInfo? {
        if let error = error as? PostgresTransactionError {
            return (error.closureError ?? error.beginError ?? error.commitError).flatMap(serverInfo)
        }
        return (error as? PSQLError)?.serverInfo
    }

    private static func describe(_ error: any Error) -> String {
        if let failure = error as? DatabaseFailure { return failure.reason }
        if let error = error as? PostgresTransactionError {
            return (error.closureError ?? error.beginError ?? error.commitError).map(describe) ?? "transaction failed"
        }
        if let error = error as? PSQLError {
            if let info = error.serverInfo {
                let severity = info[.localizedSeverity] ?? info[.severity] ?? "ERROR"
                let message = info[.message] ?? "error"
                let state = info[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
                return "\(severity): \(message)\(state)"
            }
            if let underlying = error.underlying { return "failed to connect: \(underlying)" }
            return "database error: \(error.code)"
        }
        return "database error: \(error)"
    }
}
