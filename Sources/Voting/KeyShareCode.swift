import Crypto
import Foundation

/// A key holder's share as a code to print and type back: it carries the
/// poll (a 4-byte tag), the threshold, the holder's number, the share and a
/// checksum, in Crockford's base 32 (no I, L, O, U; typing O for 0 or I/L
/// for 1 is forgiven), in groups of five.
public enum KeyShareCode {
    static let version: UInt8 = 1
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    static let checksumLength = 4

    /// Why a typed code was refused, for the count page.
    public enum Problem: Error, Equatable, Sendable {
        /// Nothing readable, a wrong length or a failed checksum: a typing mistake.
        case mistyped
        /// A well-formed share of another poll.
        case otherPoll
    }

    public struct Decoded: Equatable, Sendable {
        public var share: SecretSharing.Share
        public var threshold: Int
    }

    /// The 4 bytes that say which poll a share belongs to.
    public static func pollTag(_ pollIdentifier: String) -> [UInt8] {
        Array(SHA256.hash(data: Data("PorteVoix poll tag \(pollIdentifier)".utf8)).prefix(4))
    }

    public static func encode(_ share: SecretSharing.Share, threshold: Int, pollIdentifier: String) -> String {
        var bytes = [version] + pollTag(pollIdentifier) + [UInt8(clamping: threshold), share.holder] + share.bytes
        bytes += checksum(bytes)
        let symbols = base32(bytes)
        return stride(from: 0, to: symbols.count, by: 5).map { start in
            String(symbols[start..<min(start + 5, symbols.count)])
        }.joined(separator: " ")
    }

    public static func decode(_ typed: String, pollIdentifier: String, shareLength: Int = 32) throws(Problem) -> Decoded {
        var symbols: [Character] = []
        for character in typed.uppercased() {
            switch character {
            case " ", "-", "\t", "\n", "\r", ".": continue
            case "O": symbols.append("0")
            case "I", "L": symbols.append("1")
            default: symbols.append(character)
            }
        }
        let byteCount = 1 + 4 + 2 + shareLength + checksumLength
        guard symbols.count == (byteCount * 8 + 4) / 5, let bytes = unbase32(symbols, byteCount: byteCount) else {
            throw .mistyped
        }
        let body = Array(bytes.dropLast(checksumLength))
        guard Array(bytes.suffix(checksumLength)) == checksum(body), body[0] == version else { throw .mistyped }
        guard Array(body[1..<5]) == pollTag(pollIdentifier) else { throw .otherPoll }
        let threshold = Int(body[5]), holder = body[6]
        guard threshold >= 1, holder >= 1 else { throw .mistyped }
        return Decoded(share: .init(holder: holder, bytes: Array(body[7...])), threshold: threshold)
    }

    static func checksum(_ bytes: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: Data(bytes)).prefix(checksumLength))
    }

    static func base32(_ bytes: [UInt8]) -> [Character] {
        var symbols: [Character] = []
        var buffer = 0, bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                symbols.append(alphabet[(buffer >> bits) & 31])
            }
            buffer &= (1 << bits) - 1
        }
        if bits > 0 { symbols.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return symbols
    }

    static func unbase32(_ symbols: [Character], byteCount: Int) -> [UInt8]? {
        var bytes: [UInt8] = []
        var buffer = 0, bits = 0
        for symbol in symbols {
            guard let value = alphabet.firstIndex(of: symbol) else { return nil }
            buffer = (buffer << 5) | value
            bits += 5
            if bits >= 8 {
                bits -= 8
                bytes.append(UInt8((buffer >> bits) & 0xff))
            }
            buffer &= (1 << bits) - 1
        }
        // The last symbol's spare bits must be zero, as the encoder writes them.
        guard bytes.count == byteCount, buffer == 0 else { return nil }
        return bytes
    }
}
