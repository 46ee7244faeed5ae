import Vapor

/// The whole URL space, one group per feature.
func routes(_ app: Application) throws {
    try app.register(collection: HomeController())
    try app.register(collection: ContentController(store: app.contentStore))
    try app.register(collection: HealthController())
    try app.register(collection: SignInController())
    try app.register(collection: ActivationController())
    try app.register(collection: InstallationController())
    try app.register(collection: MyAccountController())
    try app.register(collection: AdminController())
    try app.register(collection: SiteSettingsController())
    try app.register(collection: AccessCardsController())
    try app.register(collection: NotificationsController())
    try app.register(collection: ProposalsController())
    try app.register(collection: PaperAttributionController())
    try app.register(collection: MeetingsController())
    try app.register(collection: PollsController())
}
