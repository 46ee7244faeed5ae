import Crypto
import Foundation
import Vapor

/// Form tokens for visitors who are not signed in (design/security.md):
/// stateless, so that looking at the sign-in or activation page writes
/// nothing to the database. A token is an expiry and an HMAC, with the
/// site's signing key, of that expiry and of a random value kept in a
/// short-lived cookie: a token taken from one browser is worthless in another.
enum VisitorToken {
    /// Longer than the 20 hours under which a time limit must be
    /// adjustable (RGAA 13.1): a sign-in page left open overnight still works.
    static let lifetime: TimeInterval = 21 * 3600

    static func cookieName(secure: Bool) -> String {
        secure ? "__Host-portevoix-visiteur" : "portevoix-visiteur"
    }

    static func make(nonce: String, key: [UInt8], now: Date) -> String {
        let expiry = Int(now.timeIntervalSince1970 + lifetime)
        return "v1.\(expiry).\(signature(nonce: nonce, expiry: expiry, key: key))"
    }

    static func verify(_ token: String, nonce: String, key: [UInt8], now: Date) -> Bool {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "v1", let expiry = Int(parts[1]), parts[1].count <= 12,
              Double(expiry) > now.timeIntervalSince1970, Double(expiry) <= now.timeIntervalSince1970 + lifetime + 60
        else { return false }
        return SecureToken.constantTimeEquals(String(parts[2]), signature(nonce: nonce, expiry: expiry, key: key))
    }

    static func signature(nonce: String, expiry: Int, key: [UInt8]) -> String {
        SecureToken.signature("portevoix-csrf|\(nonce)|\(expiry)", key: key)
    }

    static func cookie(_ nonce: String, secure: Bool) -> HTTPCookies.Value {
        HTTPCookies.Value(string: nonce, expires: nil, maxAge: Int(lifetime), domain: nil, path: "/",
                          isSecure: secure, isHTTPOnly: true, sameSite: .lax)
    }
}
