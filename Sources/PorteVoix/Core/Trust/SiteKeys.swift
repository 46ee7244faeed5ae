import Crypto
import Foundation
import SQLKit

/// The site's two keys, kept outside the database (design/security.md):
/// the ballot master key wraps the private keys of standard-custody polls;
/// the signing key signs what the server hands out and takes back.
public struct SiteKeys: Sendable {
    public static let length = 32

    public var ballotMaster: [UInt8]
    public var signing: [UInt8]

    public init(ballotMaster: [UInt8], signing: [UInt8]) {
        self.ballotMaster = ballotMaster
        self.signing = signing
    }

    public static func random() -> SiteKeys {
        SiteKeys(ballotMaster: randomKey(), signing: randomKey())
    }

    static func randomKey() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// Where the keys come from.
    public enum Source: Sendable, Equatable {
        /// A folder beside the data folder, created at first start (mode 0700,
        /// files 0600).
        case folder(path: String)
        /// `PORTEVOIX_BALLOT_KEY` and `PORTEVOIX_SIGNING_KEY`, shared by every instance.
        case given(ballotMaster: [UInt8], signing: [UInt8])
    }

    enum Name: String, CaseIterable {
        case ballotMaster = "ballot-master"
        case signing
    }

    func key(_ name: Name) -> [UInt8] {
        switch name {
        case .ballotMaster: ballotMaster
        case .signing: signing
        }
    }

    /// What the database keeps of a key: enough to recognise it, nothing to rebuild it.
    static func fingerprint(_ key: [UInt8], name: Name) -> String {
        SHA256.hash(data: Data("PorteVoix key fingerprint \(name.rawValue)".utf8) + Data(key))
            .prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    /// Reads (or, in a folder, creates) the keys.
    static func load(_ source: Source) throws -> SiteKeys {
        switch source {
        case .given(let ballotMaster, let signing):
            return SiteKeys(ballotMaster: ballotMaster, signing: signing)
        case .folder(let path):
            let manager = FileManager.default
            if !manager.fileExists(atPath: path) {
                try manager.createDirectory(atPath: path, withIntermediateDirectories: true,
                                            attributes: [.posixPermissions: 0o700])
            }
            func read(_ name: Name) throws -> [UInt8] {
                let file = path + "/" + name.rawValue + ".key"
                if let text = try? String(contentsOfFile: file, encoding: .utf8) {
                    guard let key = decode(text) else { throw SiteKeyError.unreadable(file: file) }
                    return key
                }
                let key = randomKey()
                guard manager.createFile(atPath: file, contents: Data((Data(key).base64EncodedString() + "\n").utf8),
                                         attributes: [.posixPermissions: 0o600])
                else { throw SiteKeyError.cannotCreate(file: file) }
                return key
            }
            return SiteKeys(ballotMaster: try read(.ballotMaster), signing: try read(.signing))
        }
    }

    /// A key as written in a file or a variable: base64 (or hex) of 32 bytes.
    static func decode(_ text: String) -> [UInt8]? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let data = Data(base64Encoded: trimmed), data.count == length { return Array(data) }
        if trimmed.count == length * 2, trimmed.allSatisfy(\.isHexDigit) {
            var bytes: [UInt8] = []
            var index = trimmed.startIndex
            while index < trimmed.endIndex {
                let next = trimmed.index(index, offsetBy: 2)
                bytes.append(UInt8(trimmed[index..<next], radix: 16)!)
                index = next
            }
            return bytes
        }
        return nil
    }

    /// Stores each key's fingerprint the first time, and refuses keys that
    /// do not match it afterwards: a wrong key would seal ballots that can
    /// never be counted, or fail to open a standard poll's key.
    func verify(on sql: any SQLDatabase) async throws {
        try await sql.raw("CREATE TABLE IF NOT EXISTS site_keys (name TEXT PRIMARY KEY, fingerprint TEXT NOT NULL)").run()
        for name in Name.allCases {
            let fingerprint = Self.fingerprint(key(name), name: name)
            let stored = try await sql.raw("SELECT fingerprint FROM site_keys WHERE name = \(bind: name.rawValue)")
                .first()?.decode(column: "fingerprint", as: String.self)
            if let stored {
                guard stored == fingerprint else { throw SiteKeyError.mismatch(name: name.rawValue) }
            } else {
                try await sql.raw("INSERT INTO site_keys (name, fingerprint) VALUES (\(bind: name.rawValue), \(bind: fingerprint))").run()
            }
        }
    }
}

/// A key problem at start-up; the message is for the person deploying the site.
enum SiteKeyError: Error, CustomStringConvertible {
    case unreadable(file: String)
    case cannotCreate(file: String)
    case mismatch(name: String)

    var description: String {
        switch self {
        case .unreadable(let file):
            "PorteVoix ne peut pas démarrer : le fichier de clé \(file) est illisible (il doit contenir 32 octets en base64)."
        case .cannotCreate(let file):
            "PorteVoix ne peut pas démarrer : impossible de créer le fichier de clé \(file)."
        case .mismatch(let name):
            "PorteVoix ne peut pas démarrer : la clé « \(name) » ne correspond pas à celle avec laquelle cette base a été "
                + "créée (empreinte différente). Remettez la bonne clé (dossier des clés ou variable d'environnement) ; "
                + "avec une autre clé, les votes en cours ne pourraient plus être dépouillés."
        }
    }
}
