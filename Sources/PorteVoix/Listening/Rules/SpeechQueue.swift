import Foundation
import NIOPosix
import Vapor

/// Bounds the voice's work: at most `running` recordings are made at once
/// and `waiting` more wait their turn; a request beyond that is refused at
/// once (the page says so) instead of queueing without end. A recording
/// already being made for the same text is shared, not made twice.
actor SpeechQueue {
    nonisolated let running: Int
    nonisolated let waiting: Int
    private var busy = 0
    /// Recordings asked for and not finished: running or waiting.
    private var total = 0
    private var queue: [CheckedContinuation<Void, Never>] = []
    private var inFlight: [String: Task<Data, any Error>] = [:]
    /// For tests: blocks every synthesis until opened.
    private var gateClosed = false
    private var gateWaiters: [CheckedContinuation<Void, Never>] = []

    struct Full: Error {}

    init(running: Int = 2, waiting: Int = 4) {
        self.running = running
        self.waiting = waiting
    }

    /// The recording of `key`, made by `make` on the thread pool if no one is
    /// making it already; throws `Full` when the queue is full.
    func recording(key: String, pool: NIOThreadPool, make: @escaping @Sendable () throws -> Data) async throws -> Data {
        if let task = inFlight[key] { return try await task.value }
        guard total < running + waiting else { throw Full() }
        total += 1
        let task = Task { () throws -> Data in
            await self.enter()
            defer { Task { await self.leave(key) } }
            await self.passGate()
            return try await pool.runIfActive(make)
        }
        inFlight[key] = task
        return try await task.value
    }

    /// How many recordings are being made or waiting (for tests and /healthz).
    var load: Int { total }

    private func enter() async {
        if busy < running {
            busy += 1
            return
        }
        await withCheckedContinuation { queue.append($0) }
    }

    private func leave(_ key: String) {
        inFlight[key] = nil
        total -= 1
        if queue.isEmpty {
            busy -= 1
        } else {
            queue.removeFirst().resume()
        }
    }

    // MARK: Test gate

    func closeGate() { gateClosed = true }

    func openGate() {
        gateClosed = false
        for waiter in gateWaiters { waiter.resume() }
        gateWaiters = []
    }

    var waitingAtGate: Int { gateWaiters.count }

    private func passGate() async {
        guard gateClosed else { return }
        await withCheckedContinuation { gateWaiters.append($0) }
    }
}
