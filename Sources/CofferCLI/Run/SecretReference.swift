/// One `--env NAME=path#field`: which secret field goes into which variable.
struct SecretReference: Equatable {
    let variable: String
    let path: String
    let field: String

    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    /// Parses `NAME=path#field`; the name must be a shell variable name, as the child's
    /// shell would otherwise never see it.
    static func parse(_ text: String) throws -> SecretReference {
        guard let equals = text.firstIndex(of: "=") else {
            throw Invalid(description: "--env \"\(text)\": expected NAME=path#field")
        }
        let name = String(text[..<equals])
        let rest = text[text.index(after: equals)...]
        guard let hash = rest.lastIndex(of: "#") else {
            throw Invalid(description: "--env \(name): expected path#field after the =")
        }
        let path = String(rest[..<hash]).trimmingSlashes
        let field = String(rest[rest.index(after: hash)...])
        guard isVariableName(name) else { throw Invalid(description: "--env \(name): not a valid environment variable name") }
        guard !path.isEmpty, !field.isEmpty else { throw Invalid(description: "--env \(name): expected path#field after the =") }
        return SecretReference(variable: name, path: path, field: field)
    }

    private static func isVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }
}
