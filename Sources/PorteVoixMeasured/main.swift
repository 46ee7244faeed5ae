// portevoix-measured: the site exactly as `portevoix serve` runs it, started
// from a synchronous main, for `bench/instructions` only.
//
// valgrind's instrumenting tools (callgrind, cachegrind) crash on
// `dispatch_main`, where every `async` main ends on Linux (libdispatch's
// signal thread). Here the main thread waits on a semaphore instead, and the
// application runs in a task: the same configuration, middlewares and routes
// as the real server, so the instructions counted are the real ones.
import Dispatch
import Foundation
import Logging
import PorteVoix
import Vapor

final class Outcome: @unchecked Sendable {
    var failure: (any Error)?
}

/// Not on the main actor: its task must not wait for the main thread, which
/// waits for it.
enum Measured {
    static func run() -> Int32 {
        let done = DispatchSemaphore(value: 0)
        let outcome = Outcome()
        var environment: Environment
        do {
            environment = try Environment.detect()
            try LoggingSystem.bootstrapSafely(from: &environment)
        } catch {
            FileHandle.standardError.write(Data("portevoix-measured: \(error)\n".utf8))
            return 1
        }
        let detected = environment
        Task.detached {
            do {
                let app = try await Application.make(detected)
                do {
                    try await configure(app)
                    try await app.execute()
                    await app.http.server.shared.shutdown()
                } catch {
                    outcome.failure = error
                }
                try await app.asyncShutdown()
            } catch {
                outcome.failure = error
            }
            done.signal()
        }
        done.wait()
        if let failure = outcome.failure {
            FileHandle.standardError.write(Data("portevoix-measured: \(failure)\n".utf8))
            return 1
        }
        return 0
    }
}

exit(Measured.run())
