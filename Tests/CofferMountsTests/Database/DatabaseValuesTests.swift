import CofferEncoding
import CofferMountKit
import Foundation
import Testing

@testable import CofferMounts

/// The values the database engine builds its SQL from, without a database.
@Suite struct DatabaseValuesTests {
    @Test("statements are cut at semicolons, except one that holds a block")
    func statementSplitting() {
        let queries = SQLStatements.queries(
            [
                "CREATE ROLE \"{{name}}\" PASSWORD '{{password}}'; GRANT SELECT ON t TO \"{{name}}\";",
                "DO $$ BEGIN CREATE ROLE \"{{name}}_x\"; END $$;",
            ], ["name": "v-a", "password": "pw"])
        #expect(
            queries == [
                "CREATE ROLE \"v-a\" PASSWORD 'pw'", "GRANT SELECT ON t TO \"v-a\"", "DO $$ BEGIN CREATE ROLE \"v-a_x\"; END $$;",
            ])
    }

    @Test("END inside quotes or inside a longer word is no block")
    func blockDetection() {
        #expect(!SQLStatements.containsBlock("CREATE ROLE \"END\"; SELECT 'END'"))
        #expect(!SQLStatements.containsBlock("SELECT APPEND_ROW()"))
        #expect(SQLStatements.containsBlock("DO $$ BEGIN PERFORM 1; END $$"))
    }

    @Test("identifiers Coffer writes are quoted, with inner quotes doubled")
    func quoting() {
        #expect(SQLStatements.quoted("ci \"builds\"") == "\"ci \"\"builds\"\"\"")
        #expect(SQLStatements.quoted("x\"; DROP ROLE admin; --") == "\"x\"\"; DROP ROLE admin; --\"")
    }

    @Test("default user names follow OpenBao's shape and stay within 63 characters")
    func defaultUsername() throws {
        let template = try UsernameTemplate("")
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let name = template.generate(displayName: "token", roleName: "ci-readonly", now: now)
        let parts = name.split(separator: "-", omittingEmptySubsequences: false)
        #expect(name.hasPrefix("v-token-ci-reado-") && name.hasSuffix("-1700000000"))
        #expect(parts[4].count == 20 && parts[4].allSatisfy { $0.isLetter || $0.isNumber })
        let long = template.generate(displayName: String(repeating: "d", count: 40), roleName: String(repeating: "r", count: 40), now: now)
        #expect(long.count <= 63)
    }

    @Test("a display name cannot carry quotes or semicolons into a user name")
    func inertDisplayName() throws {
        let name = try UsernameTemplate("").generate(displayName: "j\";--'x", roleName: "ci", now: Date())
        #expect(name.hasPrefix("v-j-----x-ci-"))
        #expect(!name.contains("\"") && !name.contains("'") && !name.contains(";"))
    }

    @Test("username_template: fields, random parts and filters; unknown actions refused")
    func customTemplate() throws {
        let template = try UsernameTemplate("ci_{{.RoleName | uppercase | truncate 4}}_{{random 6}}")
        let name = template.generate(displayName: "token", roleName: "deploy", now: Date())
        #expect(name.hasPrefix("ci_DEPL_") && name.count == 14)
        #expect(throws: MountError.self) { try UsernameTemplate("{{ .Password }}") }
        #expect(throws: MountError.self) { try UsernameTemplate("{{ random 9999 }}") }
        #expect(throws: MountError.self) { try UsernameTemplate("{{ unclosed") }
    }

    @Test("passwords are 20 characters with a lower, an upper, a digit and a dash")
    func passwords() {
        for _ in 0..<200 {
            let password = PasswordGenerator.generate()
            #expect(password.count == 20)
            #expect(password.contains(where: \.isLowercase) && password.contains(where: \.isUppercase))
            #expect(password.contains(where: \.isNumber) && password.contains("-"))
        }
    }

    @Test("the SCRAM verifier has PostgreSQL's format and never the password")
    func scramVerifier() throws {
        let verifier = try SCRAMVerifier.verifier(for: "hunter2-Secret")
        #expect(verifier.hasPrefix("SCRAM-SHA-256$4096:"))
        #expect(!verifier.contains("hunter2"))
        let keys = verifier.split(separator: "$")[2].split(separator: ":")
        #expect(keys.count == 2 && keys.allSatisfy { Data(base64Encoded: String($0))?.count == 32 })
    }

    @Test("allowed_roles: globs and *, and an empty list allows none")
    func allowedRoles() {
        var config = DatabaseConfig(pluginName: DatabaseConfig.postgreSQLPlugin)
        #expect(!config.allows("ci"))
        config.allowedRoles = ["ci-*"]
        #expect(config.allows("ci-migrate") && !config.allows("prod"))
        config.allowedRoles = ["*"]
        #expect(config.allows("prod"))
    }

    @Test("a read shows no password and masks one inside the URL")
    func configRead() {
        var config = DatabaseConfig(pluginName: DatabaseConfig.postgreSQLPlugin)
        config.connectionDetails = [
            "connection_url": "postgresql://root:s3cret@db:5432/app", "username": "root", "password": "s3cret",
        ]
        let shown = String(decoding: JSONValue.object(config.json).serialized(), as: UTF8.self)
        #expect(!shown.contains("s3cret"))
        #expect(config.json["connection_details"]?.objectValue?["connection_url"] == "postgresql://root:xxxxx@db:5432/app")
        #expect(DatabaseConfig.hasLiteralPassword("postgresql://root:s3cret@db/app"))
        #expect(!DatabaseConfig.hasLiteralPassword("postgresql://{{username}}:{{password}}@db/app"))
    }

    @Test("{{username}} and {{password}} are URL-escaped into the connection URL")
    func urlEscaping() throws {
        let settings = try PostgreSQLConnectionSettings([
            "connection_url": "postgresql://{{username}}:{{password}}@db.internal:6543/app?sslmode=disable",
            "username": "ro@t", "password": "p@ss/w:rd?#",
        ])
        #expect(settings.username == "ro@t" && settings.password == "p@ss/w:rd?#")
        #expect(settings.host == "db.internal" && settings.port == 6543 && settings.database == "app")
    }

    @Test("bad connection details are refused with a reason and no secret")
    func badDetails() {
        #expect(throws: MountError.self) { try PostgreSQLConnectionSettings([:]) }
        #expect(throws: MountError.self) {
            try PostgreSQLConnectionSettings(["connection_url": "postgresql://x/db", "password": "{{password}}"])
        }
        #expect(throws: MountError.self) {
            try PostgreSQLConnectionSettings(["connection_url": "postgresql://x/db", "password_authentication": "md5"])
        }
        #expect(throws: MountError.self) { try PostgreSQLConnectionSettings(["connection_url": "mysql://x/db"]) }
        #expect(throws: MountError.self) { try PostgreSQLConnectionSettings(["connection_url": "postgresql://x:99999/db"]) }
    }

    @Test("{{expiration}} is written in UTC as PostgreSQL reads it")
    func expirationFormat() {
        #expect(DatabaseMount.expirationText(Date(timeIntervalSince1970: 1_700_000_000)) == "2023-11-14 22:13:20+0000")
    }
}
