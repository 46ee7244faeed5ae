import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import PorteVoix

/// Plays an operator who put the site behind nginx and forgot
/// `PORTEVOIX_TRUST_PROXY`: every visitor then shares nginx's address.
@Suite("A proxy that is not trusted is reported")
struct ProxyWatchTests {
    @Test func forwardedRequestsWithoutTrustAreReportedInTheLogHealthAndNextStartUp() async throws {
        let capture = LogCapture()
        try await withTestApp(beforeConfigure: { app in app.logger = capture.logger(level: .warning) }) { app in
            var monitor = Browser(app)
            #expect(try await monitor.get("/healthz").text == "ok\n")
            #expect(!capture.all.contains { $0.contains("X-Forwarded-For") })

            var visitor = Browser(app)
            for _ in 0..<3 {
                #expect(try await visitor.get("/", headers: ["X-Forwarded-For": "203.0.113.7"]).status == .ok)
            }
            #expect(capture.all.filter { $0.contains("PORTEVOIX_TRUST_PROXY=oui") }.count == 1, "said once, not per request")
            let health = try await monitor.get("/healthz")
            #expect(health.status == .ok)
            #expect(health.text.hasPrefix("dégradé\n"), "a configuration warning: this instance serves, a person must look")
            #expect(health.text.contains("PORTEVOIX_TRUST_PROXY"))

            // The next start-up says it again, before any request.
            app.proxyWatch = ProxyWatch()
            try await ProxyWatch.start(app)
            #expect(capture.all.filter { $0.contains("PORTEVOIX_TRUST_PROXY=oui") }.count == 2)
            #expect(try await monitor.get("/healthz").text.contains("PORTEVOIX_TRUST_PROXY"))
        }
    }

    @Test func onlyAPeerOnThisMachineOrTheLocalNetworkCanBeAProxy() {
        for peer in ["127.0.0.1", "::1", "10.1.2.3", "172.17.0.1", "192.168.1.10", "::ffff:192.168.0.2", "fd00::1", nil] {
            #expect(ProxyWatch.couldBeAProxy(peer), "\(peer ?? "none")")
        }
        // From the internet, the header is only what a client chose to send.
        for peer in ["203.0.113.7", "8.8.8.8", "172.32.0.1", "2001:db8::1", "::ffff:203.0.113.7"] {
            #expect(!ProxyWatch.couldBeAProxy(peer), "\(peer)")
        }
    }

    @Test func aTrustedProxyIsQuiet() async throws {
        let capture = LogCapture()
        try await withTestApp(adjust: { $0.trustForwardedFor = true },
                              beforeConfigure: { app in app.logger = capture.logger(level: .warning) }) { app in
            var visitor = Browser(app)
            _ = try await visitor.get("/", headers: ["X-Forwarded-For": "203.0.113.7"])
            #expect(try await visitor.get("/healthz").text == "ok\n")
            #expect(!capture.all.contains { $0.contains("X-Forwarded-For") })
            #expect(try await SiteSettingsStore.text(SiteSettingsStore.forwardedForSeenName, on: app.db) == nil)
        }
    }
}
