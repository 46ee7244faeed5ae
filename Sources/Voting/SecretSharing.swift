/// Shamir's secret sharing over GF(2⁸), byte by byte: any `threshold` of the
/// `count` shares give the secret back; fewer tell nothing about it.
///
/// Used for sealed ballot boxes (design/voting.md): the poll's private key is
/// split among key holders and never stored.
public enum SecretSharing {
    /// One share: the holder's number (the polynomial's x, 1…255) and one
    /// byte per byte of the secret.
    public struct Share: Equatable, Sendable {
        public var holder: UInt8
        public var bytes: [UInt8]

        public init(holder: UInt8, bytes: [UInt8]) {
            self.holder = holder
            self.bytes = bytes
        }
    }

    public enum Problem: Error, Equatable, Sendable {
        case invalidThreshold
        case notEnoughShares
        case duplicateHolder
        case mismatchedLengths
    }

    /// Splits `secret` into `count` shares, `threshold` of which rebuild it.
    public static func split<G: RandomNumberGenerator>(
        _ secret: [UInt8], threshold: Int, count: Int, using generator: inout G
    ) throws(Problem) -> [Share] {
        guard threshold >= 1, threshold <= count, count <= 255 else { throw .invalidThreshold }
        var shares = (1...count).map { Share(holder: UInt8($0), bytes: []) }
        for byte in secret {
            // A random polynomial of degree threshold − 1 whose constant is the byte.
            let coefficients = [byte] + (1..<threshold).map { _ in UInt8.random(in: 0...255, using: &generator) }
            for index in shares.indices {
                shares[index].bytes.append(GF256.evaluate(coefficients, at: shares[index].holder))
            }
        }
        return shares
    }

    public static func split(_ secret: [UInt8], threshold: Int, count: Int) throws(Problem) -> [Share] {
        var generator = SystemRandomNumberGenerator()
        return try split(secret, threshold: threshold, count: count, using: &generator)
    }

    /// The secret from `threshold` or more shares (Lagrange interpolation at 0).
    /// With shares that do not belong together the result is garbage: callers
    /// check it against something public (the poll's public key).
    public static func combine(_ shares: [Share], threshold: Int) throws(Problem) -> [UInt8] {
        guard threshold >= 1 else { throw .invalidThreshold }
        guard shares.count >= threshold else { throw .notEnoughShares }
        let used = Array(shares.prefix(threshold))
        guard Set(used.map(\.holder)).count == used.count, !used.contains(where: { $0.holder == 0 }) else {
            throw .duplicateHolder
        }
        let length = used[0].bytes.count
        guard used.allSatisfy({ $0.bytes.count == length }) else { throw .mismatchedLengths }
        // Lagrange basis at x = 0: Π x_j / (x_j − x_i); subtraction is xor.
        let basis = used.map { share in
            used.filter { $0.holder != share.holder }.reduce(UInt8(1)) { product, other in
                GF256.multiply(product, GF256.divide(other.holder, other.holder ^ share.holder))
            }
        }
        return (0..<length).map { position in
            zip(used, basis).reduce(UInt8(0)) { sum, pair in sum ^ GF256.multiply(pair.0.bytes[position], pair.1) }
        }
    }
}

/// Arithmetic in GF(2⁸) with the AES polynomial x⁸ + x⁴ + x³ + x + 1.
enum GF256 {
    /// exp[i] = 3^i, log[3^i] = i: 3 generates the multiplicative group.
    static let tables: (exp: [UInt8], log: [UInt8]) = {
        var exp = [UInt8](repeating: 0, count: 510)
        var log = [UInt8](repeating: 0, count: 256)
        var value: UInt8 = 1
        for power in 0..<255 {
            exp[power] = value
            log[Int(value)] = UInt8(power)
            value = slowMultiply(value, 3)
        }
        for power in 255..<510 { exp[power] = exp[power - 255] }
        return (exp, log)
    }()

    /// Multiplication bit by bit (Russian peasant): the reference the tables come from.
    static func slowMultiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        var a = a, b = b, product: UInt8 = 0
        while b != 0 {
            if b & 1 != 0 { product ^= a }
            let carry = a & 0x80 != 0
            a <<= 1
            if carry { a ^= 0x1b }
            b >>= 1
        }
        return product
    }

    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        guard a != 0, b != 0 else { return 0 }
        return tables.exp[Int(tables.log[Int(a)]) + Int(tables.log[Int(b)])]
    }

    /// a / b, b ≠ 0.
    static func divide(_ a: UInt8, _ b: UInt8) -> UInt8 {
        precondition(b != 0, "division by zero in GF(256)")
        guard a != 0 else { return 0 }
        return tables.exp[(Int(tables.log[Int(a)]) + 255 - Int(tables.log[Int(b)])) % 255]
    }

    /// The polynomial with these coefficients (constant first) at x (Horner).
    static func evaluate(_ coefficients: [UInt8], at x: UInt8) -> UInt8 {
        coefficients.reversed().reduce(UInt8(0)) { result, coefficient in multiply(result, x) ^ coefficient }
    }
}
