import Fluent
import SQLKit
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
    let began = ContinuousClock.now
    app.logger = app.logger.madeSafe
    app.settings = settings
    app.routes.defaultMaxBodySize = ByteCount(value: settings.maxBodyBytes)
    // Compressed sizes would tell a ballot page's content (design/voting.md, "Traffic").
    app.http.server.configuration.responseCompression = .disabled
    // On SIGTERM, requests in flight get this long to finish (a service
    // manager's own limit should be longer: TimeoutStopSec=60 in the guide).
    app.http.server.configuration.shutdownTimeout = .seconds(30)
    app.passwords.use(.bcrypt(cost: settings.passwordHashCost))
    app.hashingGate = HashingGate()
    app.proxyWatch = ProxyWatch()
    app.storageWatch = StorageWatch()
    app.dummySecretHash = try Bcrypt.hash("portevoix", cost: settings.passwordHashCost)

    // SQLite calls block a thread (a writer waiting for the lock sleeps in
    // it), and bcrypt runs there too: the shared 2-thread default let one
    // waiting voter starve the one holding the lock. Vapor shuts it down.
    app.threadPool = NIOThreadPool(numberOfThreads: max(8, 2 * System.coreCount))
    // Every process that opens the SQLite file (the site, create-admin,
    // demo…) holds this lock shared; a restore takes it alone.
    if case .sqlite(let path) = settings.database, app.environment != .testing {
        app.siteLock = try SiteLock.take(path, exclusive: false, busy: .restoring(path))
    }
    try await DatabaseSetup.use(settings, on: app)
    // After the databases' own lifecycle handler, so stopped before it.
    _ = app.backgroundTasks
    let keys = try SiteKeys.load(settings.keys)
    app.siteKeys = keys
    registerMigrations(app)
    // Instances started together (a rolling upgrade) take turns here.
    try await DatabaseSetup.oneAtATime(app) {
        try await keys.verify(on: app.maintenanceDatabase.sql)
        try await DatabaseSetup.migrate(app, settings: settings)
    }
    try await DatabaseSetup.warnIfNotDurable(app)
    await DiskSpace.warnIfLow(app)
    // Whatever a migration deleted (plaintext ballots of a database made
    // before sealed boxes) leaves the journal and the free pages now.
    try await PollCount.scrub(app)
    try await ProxyWatch.start(app)
    // Scheduled openings, closings and counts; the tests apply them themselves.
    if app.environment != .testing, PollScheduler.isServing(app.environment.arguments) {
        app.lifecycle.use(PollScheduler())
    }
    try await PublicAddress.checkCookies(app)

    app.findVoice()
    let contentStore = ContentStore(directory: settings.resourcesDirectory + "Content")
    app.contentStore = contentStore
    do {
        contentStore.audit = try ConformityAudit.load(directory: settings.resourcesDirectory + "docs/rgaa")
    } catch {
        app.logger.warning("L'audit d'accessibilité (docs/rgaa) est illisible : la déclaration garde son texte seul. \(error)")
    }
    for slug in ContentStore.slugs where (try? contentStore.page(slug)) == nil {
        app.logger.warning("La page Content/\(slug).md est introuvable : son adresse répondra « page introuvable ».")
    }

    // First added, outermost. Files skip sessions; errors are rendered inside
    // the sessions middleware so that error pages keep the session cookie.
    app.middleware = Middlewares()
    app.middleware.use(MetricsMiddleware(metrics: app.siteMetrics))
    app.middleware.use(SecurityHeadersMiddleware(strictTransportSecurity: settings.publicURL?.scheme == "https"))
    app.middleware.use(RequestLogMiddleware())
    app.middleware.use(ProxyWatchMiddleware())
    app.middleware.use(ErrorPageMiddleware())
    // Before files and sessions: a page served from memory needs neither.
    app.pageCache = PageCache()
    app.sessionTouches = SessionTouches(database: { [weak app] in app?.db }, logger: app.logger)
    app.ballotCommitter = BallotCommitter(database: { [weak app] in app?.db }, clock: app.clock, logger: app.logger,
                                          metrics: app.siteMetrics)
    app.middleware.use(PageCacheMiddleware(sessionCookie: WebSessionMiddleware.cookieName(secure: settings.secureCookies),
                                           visitorCookie: VisitorToken.cookieName(secure: settings.secureCookies),
                                           kioskCookie: Kiosks.cookieName(secure: settings.secureCookies)))
    app.middleware.use(FileMiddleware(publicDirectory: settings.resourcesDirectory + "Public/"))
    app.middleware.use(WebSessionMiddleware(settings: settings))
    app.middleware.use(ErrorPageMiddleware())
    app.middleware.use(CSRFMiddleware(maxBodyBytes: settings.maxBodyBytes))
    app.middleware.use(KioskMiddleware(secure: settings.secureCookies))
    app.middleware.use(CurrentMemberMiddleware())

    try routes(app)
    Stylesheet.load(app)

    app.asyncCommands.use(CreateAdminCommand(), as: "create-admin")
    app.asyncCommands.use(ReplacementCardCommand(), as: "carte-de-remplacement")
    app.asyncCommands.use(DemoCommand(), as: "demo")
    app.asyncCommands.use(AuditVerifyCommand(), as: "audit-verify")
    if isServing(app) {
        try await Administrators.announceInstallationLink(app)
    }
    let took = ContinuousClock.now - began
    app.siteMetrics.started(after: Double(took.components.seconds) + Double(took.components.attoseconds) / 1e18)
}

/// Whether this run serves the site (no command, or `serve`), as opposed to
/// running a command such as `create-admin`.
func isServing(_ app: Application) -> Bool {
    guard let command = app.environment.arguments.dropFirst().first else { return true }
    return command == "serve" || command.hasPrefix("-")
}

/// Every schema step, in order. Never rename one: Fluent knows them by name.
func registerMigrations(_ app: Application) {
    app.migrations.add(CreateWebSessions())
    app.migrations.add(CreateTerritoriesAndThemes())
    app.migrations.add(CreateMembers())
    app.migrations.add(CreateAccessCards())
    app.migrations.add(CreateAuditLog())
    app.migrations.add(CreateAttemptCounters())
    app.migrations.add(CreateProposals())
    app.migrations.add(CreateNotifications())
    app.migrations.add(CreateMeetings())
    app.migrations.add(CreatePolls())
    app.migrations.add(SealBallotBoxes(ballotMasterKey: app.siteKeys.ballotMaster))
    app.migrations.add(CreateCardReplacements())
    app.migrations.add(AddPaperAttribution())
    app.migrations.add(AddPersonalDataFlags())
    app.migrations.add(CreateContentReports())
    app.migrations.add(ChainAuditLog())
    app.migrations.add(AddModerationDecisions())
    app.migrations.add(CreateNamingDebate())
    app.migrations.add(CreateAPITokens())
    app.migrations.add(CreateInstallationLinks())
    app.migrations.add(CreateSiteVersion())
    app.migrations.add(GuardAgainstInsiders())
    app.migrations.add(AddListeningAndKiosk())
    app.migrations.add(AddPollReadIndexes())
}
