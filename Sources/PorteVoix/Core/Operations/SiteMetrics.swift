import Crypto
import Foundation
import NIOConcurrencyHelpers
import Prometheus
import Vapor

/// What operators watch, in Prometheus's text format at `/metrics`
/// (docs/exploitation.md): requests by route and status with their
/// durations, the page cache, database faults, ballots cast in total and the
/// start-up time.
///
/// Never per poll: a live count of one open poll's ballots, read every few
/// seconds, would tell an observer in the room when each voter's ballot
/// arrived (design/voting.md, "Insiders"). When a single poll is open, the
/// total is that poll's count, which its public page already shows
/// (design/voting.md, "Results"): the figures add nothing an observer could
/// not read there. Never a member, a path with an id, or anything typed:
/// routes are their patterns (`/propositions/:proposalID`).
final class SiteMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let ballots: Counter
    private let paperBallots: Counter
    private let startup: Gauge
    private let batchSizes: ValueHistogram
    private let cacheHits: Gauge
    private let cacheMisses: Gauge
    private let cacheBytes: Gauge
    private let faults: Gauge
    private let busy: Gauge
    /// Each route's collectors, made once (the registry's own lookup takes a lock and builds a key).
    private let routes = NIOLockedValueBox<[String: RouteCollectors]>([:])

    private struct RouteCollectors {
        let duration: DurationHistogram
        var statuses: [UInt: Counter] = [:]
    }

    static let buckets: [Duration] = [.milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
                                      .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
                                      .seconds(2.5), .seconds(10)]

    init() {
        ballots = registry.makeCounter(descriptor: Self.named("portevoix_ballots_cast_total",
            "Bulletins déposés depuis le démarrage, tous scrutins confondus (jamais par scrutin)."),
            labels: [("channel", "web")])
        paperBallots = registry.makeCounter(descriptor: Self.named("portevoix_ballots_cast_total",
            "Bulletins déposés depuis le démarrage, tous scrutins confondus (jamais par scrutin)."),
            labels: [("channel", "paper")])
        batchSizes = registry.makeValueHistogram(descriptor: Self.named("portevoix_ballot_batch_size",
            "Bulletins écrits ensemble, en une transaction (tous scrutins confondus)."),
            buckets: [1, 2, 4, 8, 16, 32, 64, 128])
        startup = registry.makeGauge(descriptor: Self.named("portevoix_startup_seconds",
                                                       "Durée de la mise en route (configuration, migrations)."))
        cacheHits = registry.makeGauge(descriptor: Self.named("portevoix_page_cache_hits",
                                                         "Pages servies depuis la mémoire depuis le démarrage."))
        cacheMisses = registry.makeGauge(descriptor: Self.named("portevoix_page_cache_misses",
                                                           "Pages connues rendues faute d'être en mémoire."))
        cacheBytes = registry.makeGauge(descriptor: Self.named("portevoix_page_cache_bytes",
                                                          "Octets des pages gardées en mémoire."))
        busy = registry.makeGauge(descriptor: Self.named("portevoix_database_busy",
                                                    "1 quand la base est occupée (des requêtes attendent son verrou), 0 sinon."))
        faults = registry.makeGauge(descriptor: Self.named("portevoix_database_faults",
                                                      "Refus de la base (occupée, disque plein, connexion perdue) depuis le démarrage."))
    }

    /// A metric's full name (the library's descriptor splits it in parts; ours are written whole).
    static func named(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    func ballotCast(paper: Bool = false) {
        (paper ? paperBallots : ballots).increment()
    }

    func ballotBatch(size: Int) {
        batchSizes.record(Double(size))
    }

    func started(after seconds: Double) {
        startup.set(to: seconds)
    }

    func record(route: String, method: HTTPMethod, status: UInt, duration: Duration) {
        let key = method.rawValue + " " + route
        let (histogram, counter) = routes.withLockedValue { routes -> (DurationHistogram, Counter) in
            if routes[key] == nil {
                routes[key] = RouteCollectors(duration: registry.makeDurationHistogram(
                    descriptor: Self.named("portevoix_http_request_duration_seconds",
                                      "Durée des réponses, par route."),
                    labels: [("method", method.rawValue), ("route", route)], buckets: Self.buckets))
            }
            if let counter = routes[key]!.statuses[status] { return (routes[key]!.duration, counter) }
            let counter = registry.makeCounter(
                descriptor: Self.named("portevoix_http_requests_total", "Réponses, par route et par statut."),
                labels: [("method", method.rawValue), ("route", route), ("status", String(status))])
            routes[key]!.statuses[status] = counter
            return (routes[key]!.duration, counter)
        }
        counter.increment()
        histogram.record(duration)
    }

    /// The text to serve: the figures read at this instant.
    func exposition(_ app: Application) -> [UInt8] {
        let cache = app.pageCache.figures
        cacheHits.set(to: Double(cache.hits))
        cacheMisses.set(to: Double(cache.misses))
        cacheBytes.set(to: Double(cache.bytes))
        faults.set(to: Double(app.storageWatch.faultCount))
        busy.set(to: app.storageWatch.busySince == nil ? 0.0 : 1.0)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(16_384)
        registry.emit(into: &buffer)
        return buffer
    }
}

/// Counts every response by its route's pattern (a page served from memory
/// has no route yet: « page gardée »), outermost, on futures.
struct MetricsMiddleware: Middleware {
    let metrics: SiteMetrics

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let start = ContinuousClock.now
        return next.respond(to: request).always { result in
            let status: UInt
            switch result {
            case .success(let response): status = response.status.code
            case .failure(let error): status = (error as? any AbortError)?.status.code ?? 500
            }
            metrics.record(route: Self.route(of: request), method: request.method, status: status, duration: ContinuousClock.now - start)
        }
    }

    static func route(of request: Request) -> String {
        if let route = request.route {
            return "/" + route.path.map { component -> String in
                switch component {
                case .constant(let text): text
                case .parameter(let name): ":" + name
                case .anything: "*"
                case .catchall: "**"
                }
            }.joined(separator: "/")
        }
        if request.url.path.hasPrefix("/css/") { return "/css/*" }
        return request.storage[PageCacheServedKey.self] == true ? "(page gardée)" : "(aucune route)"
    }
}

struct PageCacheServedKey: StorageKey { typealias Value = Bool }

/// `GET /metrics`: only with the operators' token; otherwise « page introuvable ».
struct MetricsController {
    func metrics(request: Request) throws -> Response {
        guard let expected = request.application.settings.metricsToken,
              let sent = request.headers.bearerAuthorization?.token,
              SecureToken.constantTimeEquals(sent, expected)
        else { throw Abort(.notFound) }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/plain; version=0.0.4; charset=utf-8")
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        let body = request.application.siteMetrics.exposition(request.application)
        return Response(status: .ok, headers: headers, body: .init(buffer: ByteBuffer(bytes: body)))
    }
}

extension Application {
    private struct SiteMetricsKey: StorageKey { typealias Value = SiteMetrics }

    var siteMetrics: SiteMetrics {
        if let metrics = storage[SiteMetricsKey.self] { return metrics }
        let metrics = SiteMetrics()
        storage[SiteMetricsKey.self] = metrics
        return metrics
    }
}
