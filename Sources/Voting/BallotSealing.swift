import Crypto
import Foundation

/// A ballot as bytes of one fixed length per poll, so that sealed ballots of
/// a poll all have the same size whatever they say (design/voting.md).
///
/// Layout: one byte for the kind, the choice, then zeros up to `length(rules)`.
/// yes/no: 0 pour, 1 contre, 2 abstention; single: the option's index on two
/// bytes; approval: a bitmap of the options; majority judgment: one grade
/// per option.
public enum BallotCodec {
    public static func length(_ rules: PollRules) -> Int {
        let payload = switch rules.kind {
        case .yesNo: 1
        case .single: 2
        case .approval: (rules.optionCount + 7) / 8
        case .majorityJudgment: rules.optionCount
        }
        // Round up so that polls of similar shape seal to the same size too.
        return max(64, (1 + payload + 15) / 16 * 16)
    }

    static func kindByte(_ kind: PollKind) -> UInt8 {
        switch kind {
        case .yesNo: 1
        case .single: 2
        case .approval: 3
        case .majorityJudgment: 4
        }
    }

    public static func encode(_ content: BallotContent, rules: PollRules) -> [UInt8] {
        var bytes = [kindByte(content.kind)]
        switch content {
        case .yesNo(let choice):
            bytes.append(UInt8(YesNoChoice.allCases.firstIndex(of: choice)!))
        case .single(let index):
            bytes += [UInt8(truncatingIfNeeded: index >> 8), UInt8(truncatingIfNeeded: index)]
        case .approval(let indices):
            var bitmap = [UInt8](repeating: 0, count: (rules.optionCount + 7) / 8)
            for index in indices where (0..<rules.optionCount).contains(index) {
                bitmap[index / 8] |= 1 << (index % 8)
            }
            bytes += bitmap
        case .grades(let grades):
            bytes += grades.map { UInt8($0.rawValue) }
        }
        return bytes + [UInt8](repeating: 0, count: max(0, length(rules) - bytes.count))
    }

    public enum Problem: Error, Equatable, Sendable { case malformed }

    public static func decode(_ bytes: [UInt8], rules: PollRules) throws(Problem) -> BallotContent {
        guard bytes.count == length(rules), bytes.first == kindByte(rules.kind) else { throw .malformed }
        let body = Array(bytes.dropFirst())
        let used: Int
        let content: BallotContent
        switch rules.kind {
        case .yesNo:
            guard Int(body[0]) < YesNoChoice.allCases.count else { throw .malformed }
            content = .yesNo(YesNoChoice.allCases[Int(body[0])])
            used = 1
        case .single:
            content = .single(Int(body[0]) << 8 | Int(body[1]))
            used = 2
        case .approval:
            used = (rules.optionCount + 7) / 8
            content = .approval((0..<rules.optionCount).filter { body[$0 / 8] & (1 << ($0 % 8)) != 0 })
        case .majorityJudgment:
            used = rules.optionCount
            var grades: [Grade] = []
            for byte in body.prefix(used) {
                guard let grade = Grade(rawValue: Int(byte)) else { throw .malformed }
                grades.append(grade)
            }
            content = .grades(grades)
        }
        guard body.dropFirst(used).allSatisfy({ $0 == 0 }) else { throw .malformed }
        return content
    }
}

/// Sealing ballots with the poll's public key (HPKE, X25519 + ChaCha20-Poly1305,
/// RFC 9180 base mode). A sealed ballot is the 32-byte encapsulated key
/// followed by the ciphertext; it opens only with the poll's private key and
/// only for that poll (the poll is bound in HPKE's `info`).
public enum BallotSeal {
    static let suite = HPKE.Ciphersuite.Curve25519_SHA256_ChachaPoly
    static let encapsulatedKeyLength = 32

    public enum Problem: Error, Equatable, Sendable { case cannotOpen, badKey }

    /// A new key pair for a poll: the private key's 32 bytes and the public key's 32 bytes.
    public static func makeKeyPair() -> (privateKey: [UInt8], publicKey: [UInt8]) {
        let key = Curve25519.KeyAgreement.PrivateKey()
        return (Array(key.rawRepresentation), Array(key.publicKey.rawRepresentation))
    }

    /// The public key that goes with a private key (to check a rebuilt key).
    public static func publicKey(of privateKey: [UInt8]) throws(Problem) -> [UInt8] {
        guard let key = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: privateKey) else { throw .badKey }
        return Array(key.publicKey.rawRepresentation)
    }

    static func info(_ pollIdentifier: String) -> Data { Data("PorteVoix ballot v1 \(pollIdentifier)".utf8) }

    public static func seal(_ content: BallotContent, rules: PollRules, publicKey: [UInt8],
                            pollIdentifier: String) throws(Problem) -> [UInt8] {
        do {
            let recipient = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: publicKey)
            var sender = try HPKE.Sender(recipientKey: recipient, ciphersuite: suite, info: info(pollIdentifier))
            let ciphertext = try sender.seal(BallotCodec.encode(content, rules: rules))
            return Array(sender.encapsulatedKey) + Array(ciphertext)
        } catch {
            throw .badKey
        }
    }

    /// The length every sealed ballot of a poll with these rules has.
    public static func sealedLength(_ rules: PollRules) -> Int {
        encapsulatedKeyLength + BallotCodec.length(rules) + 16
    }

    public static func open(_ sealed: [UInt8], rules: PollRules, privateKey: [UInt8],
                            pollIdentifier: String) throws(Problem) -> BallotContent {
        guard sealed.count > encapsulatedKeyLength,
              let key = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: privateKey),
              var recipient = try? HPKE.Recipient(privateKey: key, ciphersuite: suite, info: info(pollIdentifier),
                                                  encapsulatedKey: Data(sealed.prefix(encapsulatedKeyLength))),
              let plain = try? recipient.open(Data(sealed.dropFirst(encapsulatedKeyLength))),
              let content = try? BallotCodec.decode(Array(plain), rules: rules)
        else { throw .cannotOpen }
        return content
    }
}

/// Standard custody: a poll's private key wrapped (AES-256-GCM) under the
/// site's ballot master key, with a key derived for that poll alone.
public enum KeyWrap {
    public enum Problem: Error, Equatable, Sendable { case cannotUnwrap }

    static func key(master: [UInt8], pollIdentifier: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: master), salt: Data("PorteVoix".utf8),
                               info: Data("poll key wrap \(pollIdentifier)".utf8), outputByteCount: 32)
    }

    public static func wrap(_ privateKey: [UInt8], master: [UInt8], pollIdentifier: String) -> [UInt8] {
        let box = try! AES.GCM.seal(privateKey, using: key(master: master, pollIdentifier: pollIdentifier),
                                    authenticating: Data(pollIdentifier.utf8))
        return Array(box.combined!)
    }

    public static func unwrap(_ wrapped: [UInt8], master: [UInt8], pollIdentifier: String) throws(Problem) -> [UInt8] {
        guard let box = try? AES.GCM.SealedBox(combined: wrapped),
              let plain = try? AES.GCM.open(box, using: key(master: master, pollIdentifier: pollIdentifier),
                                            authenticating: Data(pollIdentifier.utf8))
        else { throw .cannotUnwrap }
        return Array(plain)
    }
}
