import Vapor

/// The whole URL space, one group per feature.
func routes(_ app: Application) throws {
    try app.register(collection: HomeController())
    try app.register(collection: ContentController(store: app.contentStore))
    try app.register(collection: HealthController())
}
