import Fluent
import Vapor

/// Reads the settings from the environment, then configures the application.
public func configure(_ app: Application) async throws {
    let environment = ProcessInfo.processInfo.environment
    let settings = try Settings.load(
        from: environment,
        workingDirectory: app.directory.workingDirectory,
        isDevelopment: app.environment == .development
    )
    if let port = try Settings.port(from: environment) {
        app.http.server.configuration.port = port
    }
    try await configure(app, settings: settings)
}

/// Configures the application with the given settings: tests call this one.
public func configure(_ app: Application, settings: Settings) async throws {
    app.settings = settings
    app.routes.defaultMaxBodySize = ByteCount(value: settings.maxBodyBytes)

    try await DatabaseSetup.use(settings, on: app)
    registerMigrations(app)
    try await app.autoMigrate()

    let contentStore = ContentStore(directory: settings.resourcesDirectory + "Content")
    app.contentStore = contentStore
    for slug in ContentStore.slugs where (try? contentStore.page(slug)) == nil {
        app.logger.warning("La page Content/\(slug).md est introuvable : son adresse répondra « page introuvable ».")
    }

    // First added, outermost. Files skip sessions; errors are rendered inside
    // the sessions middleware so that error pages keep the session cookie.
    app.middleware = Middlewares()
    app.middleware.use(SecurityHeadersMiddleware(strictTransportSecurity: settings.publicURL?.scheme == "https"))
    app.middleware.use(RequestLogMiddleware())
    app.middleware.use(ErrorPageMiddleware())
    app.middleware.use(FileMiddleware(publicDirectory: settings.resourcesDirectory + "Public/"))
    app.middleware.use(WebSessionMiddleware(settings: settings, cleanup: app.sessionCleanup))
    app.middleware.use(ErrorPageMiddleware())
    app.middleware.use(CSRFMiddleware(maxBodyBytes: settings.maxBodyBytes))

    try routes(app)
}

/// Every schema step, in order. Never rename one: Fluent knows them by name.
func registerMigrations(_ app: Application) {
    app.migrations.add(CreateWebSessions())
}
