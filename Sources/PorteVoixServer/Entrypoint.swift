import Foundation
import Logging
import PorteVoix
import Vapor

@main
enum Entrypoint {
    static func main() async throws {
        // Before anything opens the database it replaces.
        if BackupCommands.isRequested(CommandLine.arguments) {
            exit(await BackupCommands.main(CommandLine.arguments, environment: ProcessInfo.processInfo.environment,
                                           workingDirectory: DirectoryConfiguration.detect().workingDirectory))
        }
        var environment = try Environment.detect()
        try LoggingSystem.bootstrapSafely(from: &environment)
        let app = try await Application.make(environment)
        do {
            try await configure(app)
            try await app.execute()
            // SIGTERM or SIGINT: stop taking connections and finish the
            // requests in flight first. Vapor would otherwise close the
            // databases before the server, under requests still running.
            await app.http.server.shared.shutdown()
        } catch let error as SettingsError {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            try? await app.asyncShutdown()
            exit(1)
        } catch is CommandFailure {
            // The command said why; the exit status tells scripts it failed.
            try? await app.asyncShutdown()
            exit(1)
        } catch {
            // Start-up problems (a key that does not match, a restore under
            // way…) explain themselves: said once, then a plain exit status.
            app.logger.critical("\(SafeErrorDescription.of(error))")
            try? await app.asyncShutdown()
            exit(1)
        }
        try await app.asyncShutdown()
    }
}
