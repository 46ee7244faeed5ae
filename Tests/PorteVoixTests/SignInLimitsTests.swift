import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import PorteVoix

@Suite("Sign-in limits and look-alike pseudonyms")
struct SignInLimitsTests {
    @Test func fortyConcurrentWrongPasswordsCountForty() async throws {
        try await withTestApp { app in
            let key = AttemptKey("connexion-compte", "marie", limit: .perAccount)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<40 {
                    group.addTask { try await AttemptThrottle.recordFailure([key], on: app.db) }
                }
                try await group.waitForAll()
            }
            let counter = try #require(try await AttemptCounter.find(key.id, on: app.db))
            #expect(counter.failures == 40)
            #expect(counter.blockedUntil.map { $0 > Date() } == true)
        }
    }

    @Test func invisibleAndBidirectionalCharactersAreRefused() throws {
        for typed in ["Ma\u{200B}rie", "Marie\u{202E}", "\u{2066}Marie\u{2069}", "Ma\u{00AD}rie", "\u{FEFF}Marie"] {
            #expect(throws: Pseudonym.Problem.invisibleCharacters) { try Pseudonym(typed) }
        }
        // NFKC: full-width letters and ligatures become plain ones.
        #expect(try Pseudonym("Ｍａｒｉｅ").display == "Marie")
        #expect(try Pseudonym("ﬁfi").display == "fifi")
    }

    @Test func twoPseudonymsThatLookAlikeCannotBothExist() async throws {
        try await withTestApp { app in
            try await makeMember(app, "Marie")
            try await makeMember(app, "Bernard")
            try await makeMember(app, "Paul10")
            for lookalike in ["Mаrie", "Μarie", "Bemard", "PauI1O", "M a r i e", "marie"] {
                let pseudonym = try Pseudonym(lookalike)
                #expect(try await Member.isTaken(pseudonym, on: app.db), "\(lookalike)")
            }
            #expect(try await !Member.isTaken(try Pseudonym("Mariette"), on: app.db))
        }
    }
}
