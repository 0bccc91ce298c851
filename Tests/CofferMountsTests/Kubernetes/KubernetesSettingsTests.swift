import CofferEncoding
import CofferMountKit
import Testing

@testable import CofferMounts

/// Config and role writes: what OpenBao refuses, refused with its message;
/// what could never work (a host that is no URL, a CA that is no PEM) refused
/// when written rather than at every login.
@Suite struct KubernetesSettingsTests {
    static func config(_ fields: [String: JSONValue]) -> String? {
        do {
            _ = try KubernetesConfig.parse(RequestFields(fields))
            return nil
        } catch let error as MountError {
            return error.messages.first
        } catch {
            return "\(error)"
        }
    }

    @Test("the config refusals OpenBao gives, with its messages")
    func configRefusals() {
        #expect(Self.config([:]) == "no host provided")
        #expect(
            Self.config(["kubernetes_host": "https://10.0.0.1:6443", "disable_local_ca_jwt": true])
                == "kubernetes_ca_cert must be given when disable_local_ca_jwt is true")
        #expect(
            Self.config(["kubernetes_host": "https://10.0.0.1:6443", "pem_keys": ["not a key"]])
                == "data does not contain any valid public keys")
    }

    @Test("a host that is no http(s) URL and a CA that is no PEM are refused", arguments: ["10.0.0.1:6443", "ftp://x", "https://", ""])
    func badHost(_ host: String) {
        #expect(Self.config(["kubernetes_host": .string(host)]) != nil)
        #expect(Self.config(["kubernetes_host": "https://10.0.0.1", "kubernetes_ca_cert": "garbage"]) != nil)
    }

    @Test("a read never shows the reviewer JWT")
    func readBack() throws {
        var config = KubernetesConfig()
        config.tokenReviewerJWT = "eyJ.secret.jwt"
        let shown = String(decoding: JSONValue.object(config.json).serialized(), as: UTF8.self)
        #expect(!shown.contains("eyJ.secret.jwt"))
        #expect(config.json["token_reviewer_jwt_set"] == .bool(true))
    }

    static func role(_ fields: [String: JSONValue], on existing: KubernetesRole = KubernetesRole()) -> String? {
        var role = existing
        do {
            _ = try role.update(from: RequestFields(fields))
            return nil
        } catch let error as MountError {
            return error.messages.first
        } catch {
            return "\(error)"
        }
    }

    @Test("the role refusals OpenBao gives, with its messages")
    func roleRefusals() {
        #expect(Self.role(["token_policies": ["x"]]) == "\"bound_service_account_names\" can not be empty")
        #expect(
            Self.role(["bound_service_account_names": ["*", "a"], "bound_service_account_namespaces": ["ci"]])
                == "can not mix \"*\" with values")
        #expect(
            Self.role(["bound_service_account_names": ["a"]])
                == "\"bound_service_account_namespaces\" can not be empty if \"bound_service_account_namespace_selector\" is not set")
        #expect(
            Self.role(["bound_service_account_names": ["a"], "bound_service_account_namespaces": ["*", "ci"]])
                == "can not mix \"*\" with values")
        #expect(
            Self.role(["bound_service_account_names": ["a"], "bound_service_account_namespaces": ["ci"], "alias_name_source": "email"])
                == "invalid alias_name_source, must be one of: serviceaccount_uid, serviceaccount_name")
        #expect(
            Self.role(["bound_service_account_names": ["a"], "bound_service_account_namespace_selector": "{\"matchExpressions\": []}"])
                == "invalid \"bound_service_account_namespace_selector\" configured")
        #expect(
            Self.role(["bound_service_account_names": ["a"], "bound_service_account_namespaces": ["ci"], "token_ttl": "1e300"]) != nil)
    }

    @Test("an update changes only what it sends, except the selector, which every write sets")
    func update() throws {
        var role = KubernetesRole()
        _ = try role.update(
            from: RequestFields([
                "bound_service_account_names": "a,b", "bound_service_account_namespaces": ["ci"],
                "bound_service_account_namespace_selector": "{}", "audience": "coffer",
            ]))
        #expect(role.serviceAccountNames == ["a", "b"] && role.audience == "coffer" && role.namespaceSelector == "{}")
        _ = try role.update(from: RequestFields(["token_ttl": "5m"]))
        #expect(role.serviceAccountNames == ["a", "b"] && role.audience == "coffer" && role.token.ttl == 300)
        #expect(role.namespaceSelector == "")
        #expect(role.json["audience"] == "coffer" && role.json["alias_name_source"] == "serviceaccount_uid")
    }
}
