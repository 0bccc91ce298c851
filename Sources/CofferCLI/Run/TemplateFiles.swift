import CofferEncoding
import CofferMountKit
import Foundation

/// `coffer run --template FILE:DEST`: each template rendered to its destination
/// (mode 0600, written whole or not at all) before the command starts, and
/// deleted when it ends, so secrets sit on disk only while the command runs.
struct TemplateFiles {
    struct Spec: Equatable {
        let source: String
        let destination: String

        static func parse(_ text: String) throws -> Spec {
            guard let colon = text.lastIndex(of: ":"), colon != text.startIndex, text.index(after: colon) != text.endIndex else {
                throw SecretTemplate.Invalid(description: "--template \"\(text)\": expected FILE:DEST")
            }
            return Spec(source: String(text[..<colon]), destination: String(text[text.index(after: colon)...]))
        }
    }

    let specs: [Spec]

    /// Reads and checks every template (before any secret is read), then reads the
    /// secrets and writes the files. A failure removes what was written.
    func render(with client: APIClient) async throws -> [String] {
        var templates: [(Spec, SecretTemplate)] = []
        for spec in specs {
            guard let text = try? String(contentsOfFile: spec.source, encoding: .utf8) else {
                throw CLIError("coffer run: cannot read template \(spec.source)")
            }
            templates.append((spec, try SecretTemplate(parsing: text)))
        }
        var written: [String] = []
        do {
            var secrets: [String: JSONValue] = [:]
            for (_, template) in templates {
                for path in template.paths where secrets[path] == nil {
                    secrets[path] = try await read(path, client)
                }
            }
            for (spec, template) in templates {
                try PrivateFile.write(Data(try template.render(secrets).utf8), to: spec.destination)
                written.append(spec.destination)
            }
        } catch {
            Self.remove(written)
            throw error
        }
        return written
    }

    static func remove(_ paths: [String]) {
        for path in paths { unlink(path) }
    }

    private func read(_ path: String, _ client: APIClient) async throws -> JSONValue {
        do {
            return try await client.read(path)["data"] ?? .null
        } catch let error as CLIError {
            throw CLIError("coffer run: cannot read \(path): \(error.description)")
        } catch let error as NoValueFound {
            throw CLIError("coffer run: cannot read \(path): \(error.description)")
        }
    }
}
