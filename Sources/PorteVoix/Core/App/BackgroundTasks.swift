import NIOConcurrencyHelpers
import Vapor

/// Work the site goes on with after answering (emptying the SQLite journal
/// once voting lets it, vacuuming after a count). Stopping the application
/// cancels it and waits for it before the databases close: a task left
/// running would find no database and stop the process with a fatal error.
final class BackgroundTasks: LifecycleHandler, Sendable {
    private let tasks = NIOLockedValueBox<[UUID: Task<Void, Never>]>([:])
    private let stopped = NIOLockedValueBox(false)

    /// Starts `work`, unless the application is stopping.
    func run(_ work: @escaping @Sendable () async -> Void) {
        let id = UUID()
        let task = Task.detached { [weak self] in
            await work()
            self?.tasks.withLockedValue { $0[id] = nil }
        }
        let accepted = stopped.withLockedValue { stopped -> Bool in
            guard !stopped else { return false }
            tasks.withLockedValue { $0[id] = task }
            return true
        }
        if !accepted { task.cancel() }
    }

    func shutdownAsync(_ application: Application) async {
        stopped.withLockedValue { $0 = true }
        let running = tasks.withLockedValue { tasks -> [Task<Void, Never>] in
            defer { tasks = [:] }
            return Array(tasks.values)
        }
        for task in running { task.cancel() }
        for task in running { await task.value }
    }
}

extension Application {
    private struct BackgroundTasksKey: StorageKey { typealias Value = BackgroundTasks }

    /// Registered by `configure`, after the databases: stopped before them.
    var backgroundTasks: BackgroundTasks {
        if let tasks = storage[BackgroundTasksKey.self] { return tasks }
        let tasks = BackgroundTasks()
        storage[BackgroundTasksKey.self] = tasks
        lifecycle.use(tasks)
        return tasks
    }
}
