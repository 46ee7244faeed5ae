import Foundation
import Testing
@testable import Voting

@Suite("Secret sharing over GF(256)")
struct SecretSharingTests {
    @Test func tablesAgreeWithBitByBitMultiplication() {
        for a in 0...255 {
            for b in stride(from: 0, through: 255, by: 7) {
                #expect(GF256.multiply(UInt8(a), UInt8(b)) == GF256.slowMultiply(UInt8(a), UInt8(b)))
                if b != 0 { #expect(GF256.multiply(GF256.divide(UInt8(a), UInt8(b)), UInt8(b)) == UInt8(a)) }
            }
        }
        // A known product from FIPS-197: {57} · {83} = {c1}.
        #expect(GF256.multiply(0x57, 0x83) == 0xc1)
    }

    @Test(arguments: [(1, 1), (2, 3), (3, 5), (5, 5), (4, 9)])
    func everyThresholdSubsetRebuildsTheSecret(threshold: Int, count: Int) throws {
        var generator = SplitMix(seed: UInt64(threshold * 100 + count))
        let secret = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let shares = try SecretSharing.split(secret, threshold: threshold, count: count, using: &generator)
        #expect(shares.map(\.holder) == (1...count).map(UInt8.init))
        for _ in 0..<20 {
            let chosen = Array(shares.shuffled(using: &generator).prefix(threshold))
            #expect(try SecretSharing.combine(chosen, threshold: threshold) == secret)
        }
    }

    @Test func fewerThanThresholdSharesTellNothing() throws {
        // With threshold 2, one share's byte is spread evenly whatever the
        // secret: the secrets 0x00 and 0xFF give the same picture.
        var generator = SplitMix(seed: 7)
        for secret: UInt8 in [0x00, 0xFF] {
            var histogram = [Int](repeating: 0, count: 256)
            for _ in 0..<25_600 {
                let share = try SecretSharing.split([secret], threshold: 2, count: 3, using: &generator)[0]
                histogram[Int(share.bytes[0])] += 1
            }
            // 100 expected in each of the 256 values.
            #expect(histogram.min()! > 50 && histogram.max()! < 160, "secret \(secret)")
        }
        #expect(throws: SecretSharing.Problem.notEnoughShares) {
            try SecretSharing.combine([Share(holder: 1, bytes: [1])], threshold: 2)
        }
    }

    @Test func invalidRequestsAreRefused() {
        #expect(throws: SecretSharing.Problem.invalidThreshold) { try SecretSharing.split([1], threshold: 4, count: 3) }
        #expect(throws: SecretSharing.Problem.invalidThreshold) { try SecretSharing.split([1], threshold: 0, count: 3) }
        #expect(throws: SecretSharing.Problem.duplicateHolder) {
            try SecretSharing.combine([Share(holder: 1, bytes: [1]), Share(holder: 1, bytes: [2])], threshold: 2)
        }
    }

    typealias Share = SecretSharing.Share
}

@Suite("Printable key shares")
struct KeyShareCodeTests {
    let poll = "2F1C6E1A-0000-4000-8000-000000000001"

    func share() throws -> SecretSharing.Share {
        var generator = SplitMix(seed: 3)
        return try SecretSharing.split((0..<32).map { UInt8($0) }, threshold: 2, count: 3, using: &generator)[1]
    }

    @Test func aShareSurvivesPrintingAndTyping() throws {
        let share = try share()
        let code = KeyShareCode.encode(share, threshold: 2, pollIdentifier: poll)
        #expect(code.split(separator: " ").allSatisfy { $0.count <= 5 })
        #expect(!code.contains("I") && !code.contains("L") && !code.contains("O") && !code.contains("U"))
        let decoded = try KeyShareCode.decode(code, pollIdentifier: poll)
        #expect(decoded.share == share)
        #expect(decoded.threshold == 2)
        // Lower case, dashes, no spaces, O for 0 and l for 1: still the same share.
        let sloppy = code.lowercased().replacingOccurrences(of: " ", with: "-")
            .replacingOccurrences(of: "0", with: "o").replacingOccurrences(of: "1", with: "l")
        #expect(try KeyShareCode.decode(sloppy, pollIdentifier: poll).share == share)
    }

    @Test func everySingleMistypeIsCaught() throws {
        let code = Array(KeyShareCode.encode(try share(), threshold: 2, pollIdentifier: poll).filter { $0 != " " })
        var caught = 0, tried = 0
        for position in code.indices {
            for replacement in KeyShareCode.alphabet where replacement != code[position] {
                var typo = code
                typo[position] = replacement
                tried += 1
                if (try? KeyShareCode.decode(String(typo), pollIdentifier: poll)) == nil { caught += 1 }
            }
        }
        #expect(caught == tried)
        // A missing or swapped character too.
        #expect(throws: KeyShareCode.Problem.mistyped) { try KeyShareCode.decode(String(code.dropLast()), pollIdentifier: poll) }
        var swapped = code
        if let position = swapped.indices.dropLast().first(where: { swapped[$0] != swapped[$0 + 1] }) {
            swapped.swapAt(position, position + 1)
        }
        #expect(throws: KeyShareCode.Problem.mistyped) { try KeyShareCode.decode(String(swapped), pollIdentifier: poll) }
    }

    @Test func aShareOfAnotherPollIsNamedAsSuch() throws {
        let code = KeyShareCode.encode(try share(), threshold: 2, pollIdentifier: poll)
        #expect(throws: KeyShareCode.Problem.otherPoll) {
            try KeyShareCode.decode(code, pollIdentifier: "2F1C6E1A-0000-4000-8000-000000000002")
        }
    }
}

@Suite("Sealed ballots")
struct BallotSealTests {
    let poll = "6B0F5D2E-0000-4000-8000-00000000000A"

    static let cases: [(PollRules, [BallotContent])] = [
        (PollRules(kind: .yesNo, optionCount: 0), YesNoChoice.allCases.map { .yesNo($0) }),
        (PollRules(kind: .single, optionCount: 20), (0..<20).map { .single($0) }),
        (PollRules(kind: .approval, optionCount: 11, maxChoices: 11),
         [.approval([0]), .approval([10]), .approval(Array(0..<11)), .approval([1, 3, 8])]),
        (PollRules(kind: .majorityJudgment, optionCount: 6),
         [.grades(Array(repeating: .aRejeter, count: 6)), .grades(Array(repeating: .excellent, count: 6)),
          .grades([.bien, .passable, .excellent, .aRejeter, .tresBien, .insuffisant])]),
    ]

    @Test func everyBallotOfAPollSealsToTheSameLengthAndOpensBack() throws {
        for (rules, contents) in Self.cases {
            let keys = BallotSeal.makeKeyPair()
            let sealed = try contents.map { try BallotSeal.seal($0, rules: rules, publicKey: keys.publicKey, pollIdentifier: poll) }
            #expect(Set(sealed.map(\.count)) == [BallotSeal.sealedLength(rules)], "\(rules.kind)")
            #expect(Set(sealed).count == sealed.count, "sealing twice never gives the same bytes")
            for (content, box) in zip(contents, sealed) {
                #expect(try BallotSeal.open(box, rules: rules, privateKey: keys.privateKey, pollIdentifier: poll) == content)
            }
        }
    }

    @Test func aSealedBallotOpensOnlyWithItsKeyAndForItsPoll() throws {
        let rules = PollRules(kind: .yesNo, optionCount: 0)
        let keys = BallotSeal.makeKeyPair()
        let other = BallotSeal.makeKeyPair()
        let sealed = try BallotSeal.seal(.yesNo(.pour), rules: rules, publicKey: keys.publicKey, pollIdentifier: poll)
        #expect(throws: BallotSeal.Problem.cannotOpen) {
            try BallotSeal.open(sealed, rules: rules, privateKey: other.privateKey, pollIdentifier: poll)
        }
        #expect(throws: BallotSeal.Problem.cannotOpen) {
            try BallotSeal.open(sealed, rules: rules, privateKey: keys.privateKey, pollIdentifier: "another poll")
        }
        var tampered = sealed
        tampered[40] ^= 1
        #expect(throws: BallotSeal.Problem.cannotOpen) {
            try BallotSeal.open(tampered, rules: rules, privateKey: keys.privateKey, pollIdentifier: poll)
        }
        #expect(try BallotSeal.publicKey(of: keys.privateKey) == keys.publicKey)
    }

    @Test func aPrivateKeySplitAmongHoldersOpensTheBoxOnceRebuilt() throws {
        let rules = PollRules(kind: .majorityJudgment, optionCount: 3)
        let keys = BallotSeal.makeKeyPair()
        let codes = try SecretSharing.split(keys.privateKey, threshold: 2, count: 3)
            .map { KeyShareCode.encode($0, threshold: 2, pollIdentifier: poll) }
        let typed = try [codes[2], codes[0]].map { try KeyShareCode.decode($0, pollIdentifier: poll).share }
        let rebuilt = try SecretSharing.combine(typed, threshold: 2)
        #expect(try BallotSeal.publicKey(of: rebuilt) == keys.publicKey)
        let ballot = BallotContent.grades([.bien, .aRejeter, .excellent])
        let sealed = try BallotSeal.seal(ballot, rules: rules, publicKey: keys.publicKey, pollIdentifier: poll)
        #expect(try BallotSeal.open(sealed, rules: rules, privateKey: rebuilt, pollIdentifier: poll) == ballot)
    }

    @Test func aWrappedKeyUnwrapsOnlyWithTheMasterKeyForItsPoll() throws {
        let master = (0..<32).map { UInt8($0 * 3 % 256) }
        let keys = BallotSeal.makeKeyPair()
        let wrapped = KeyWrap.wrap(keys.privateKey, master: master, pollIdentifier: poll)
        #expect(try KeyWrap.unwrap(wrapped, master: master, pollIdentifier: poll) == keys.privateKey)
        #expect(throws: KeyWrap.Problem.cannotUnwrap) {
            try KeyWrap.unwrap(wrapped, master: Array(master.reversed()), pollIdentifier: poll)
        }
        #expect(throws: KeyWrap.Problem.cannotUnwrap) { try KeyWrap.unwrap(wrapped, master: master, pollIdentifier: "other") }
    }

    @Test func theCodecRefusesWhatItNeverWrites() {
        let rules = PollRules(kind: .majorityJudgment, optionCount: 2)
        var bytes = BallotCodec.encode(.grades([.bien, .bien]), rules: rules)
        bytes[1] = 9
        #expect(throws: BallotCodec.Problem.malformed) { try BallotCodec.decode(bytes, rules: rules) }
        var padded = BallotCodec.encode(.grades([.bien, .bien]), rules: rules)
        padded[padded.count - 1] = 1
        #expect(throws: BallotCodec.Problem.malformed) { try BallotCodec.decode(padded, rules: rules) }
    }
}
