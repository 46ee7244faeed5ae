import Crypto
import Vapor

/// What a password must be: long rather than complicated.
enum PasswordRules {
    static let minimumLength = 10
    static let maximumLength = 200

    static let help = "Au moins \(minimumLength) caractères. Une petite phrase facile à retenir est idéale, "
        + "par exemple « le chat dort sur la chaise »."

    /// The problems of a new password, by field (`motDePasse`, `confirmation`).
    static func check(_ password: String, confirmation: String, into errors: inout FormErrors,
                      field: String = "motDePasse", confirmationField: String = "confirmation") {
        if password.count < minimumLength {
            errors.add(field, "Le mot de passe doit avoir au moins \(minimumLength) caractères. "
                + "Une petite phrase est plus facile à retenir.")
        } else if password.count > maximumLength {
            errors.add(field, "Le mot de passe doit avoir au plus \(maximumLength) caractères.")
        } else if password.trimmingCharacters(in: .whitespaces).isEmpty {
            errors.add(field, "Le mot de passe ne peut pas être fait que d'espaces.")
        }
        if errors[field] == nil && password != confirmation {
            errors.add(confirmationField, "Les deux mots de passe ne sont pas identiques. Retapez-les.")
        }
    }
}

/// Slow hashes (Bcrypt) for passwords and activation codes, computed off the
/// event loop, never more at once than `HashingGate` allows. Secrets are first reduced with SHA-256, so that a long phrase
/// counts in full (Bcrypt reads 72 bytes at most).
public enum SecretHasher {
    static func prepare(_ secret: String) -> String {
        Data(SHA256.hash(data: Data(secret.utf8))).base64EncodedString()
    }

    public static func hash(_ secret: String, application: Application, forStaff: Bool = false) async throws -> String {
        let cost = application.settings.passwordHashCost
        let prepared = prepare(secret)
        return try await application.hashingGate.run(on: application.threadPool, forStaff: forStaff) {
            try Bcrypt.hash(prepared, cost: cost)
        }
    }

    static func verify(_ secret: String, against hash: String, application: Application) async throws -> Bool {
        let prepared = prepare(secret)
        return try await application.hashingGate.run(on: application.threadPool) {
            (try? Bcrypt.verify(prepared, created: hash)) ?? false
        }
    }

    /// Spends the same time as a real check when there is nothing to check
    /// against, so that a wrong pseudonym answers as fast as a wrong password.
    static func verifyNothing(application: Application) async throws {
        let dummy = application.dummySecretHash
        _ = try await verify("rien", against: dummy, application: application)
    }
}

extension Application {
    private struct DummyHashKey: StorageKey { typealias Value = String }

    /// A Bcrypt hash at the configured cost, made once at start-up.
    var dummySecretHash: String {
        get { storage[DummyHashKey.self] ?? "" }
        set { storage[DummyHashKey.self] = newValue }
    }
}
