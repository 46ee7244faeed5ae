import Foundation
import Vapor

/// At most as many password hashes at once as there are cores: Bcrypt is
/// slow on purpose, and a crowd of sign-ins (or a script) must not pile up
/// work that leaves no CPU for anyone else. A hash that finds every place
/// taken waits briefly for one, then gives up with the "trop d'essais" page.
actor HashingGate {
    let limit: Int
    let patience: Duration
    /// Staff printing cards wait longer rather than stop halfway.
    let staffPatience: Duration
    private var running = 0
    private var waiting: [(id: UInt64, continuation: CheckedContinuation<Bool, Never>)] = []
    private var nextID: UInt64 = 0
    /// The most hashes that ran at once (for the tests and benchmarks).
    private(set) var peak = 0

    init(limit: Int = System.coreCount, patience: Duration = .seconds(2), staffPatience: Duration = .seconds(60)) {
        self.limit = max(1, limit)
        self.patience = patience
        self.staffPatience = staffPatience
    }

    /// Runs `work` on the thread pool once a place is free; throws `busy`
    /// when none frees up within the patience.
    func run<T: Sendable>(on pool: NIOThreadPool, forStaff: Bool = false,
                          _ work: @escaping @Sendable () throws -> T) async throws -> T {
        guard await enter(patience: forStaff ? staffPatience : patience) else { throw HashingBusy() }
        defer { leave() }
        return try await pool.runIfActive(work)
    }

    private func enter(patience: Duration) async -> Bool {
        if running < limit {
            running += 1
            peak = max(peak, running)
            return true
        }
        nextID += 1
        let id = nextID
        return await withCheckedContinuation { continuation in
            waiting.append((id, continuation))
            Task { [weak self] in
                try? await Task.sleep(for: patience)
                await self?.giveUp(id)
            }
        }
    }

    private func giveUp(_ id: UInt64) {
        guard let index = waiting.firstIndex(where: { $0.id == id }) else { return }
        waiting.remove(at: index).continuation.resume(returning: false)
    }

    private func leave() {
        // The place passes straight to the first in line: `running` stays the same.
        if !waiting.isEmpty {
            waiting.removeFirst().continuation.resume(returning: true)
        } else {
            running -= 1
        }
    }
}

/// Every hashing place was taken for the whole wait. Sign-in and activation
/// catch it and show their form again; elsewhere it is the French 429 page.
struct HashingBusy: AbortError {
    var status: HTTPStatus { .tooManyRequests }
    var reason: String { "Trop de mots de passe à vérifier en même temps." }
    var headers: HTTPHeaders { ["Retry-After": "5"] }
}

extension Application {
    private struct HashingGateKey: StorageKey { typealias Value = HashingGate }

    /// Made by `configure`; the tests may put a narrower one.
    var hashingGate: HashingGate {
        get {
            guard let gate = storage[HashingGateKey.self] else {
                fatalError("configure(_:settings:) makes the hashing gate before any use")
            }
            return gate
        }
        set { storage[HashingGateKey.self] = newValue }
    }
}
