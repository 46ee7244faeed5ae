import Crypto
import Foundation
import Vapor

/// A browser where a member signed in before (OWASP's "device cookie"): a
/// stranger who knows a pseudonym (they are public on comments) and guesses
/// passwords from elsewhere blocks the account for unknown browsers only,
/// while its owner's own browser keeps working, with a limit of its own.
///
/// The cookie holds up to five tokens, one a member who signed in there;
/// each is an issue date, a random value and an HMAC, with the site's signing
/// key, of the member's id with both. It names no member: only the server can
/// tell whose it is, by checking it against the account being signed into.
/// It outlives sign-out on purpose, and says nothing about who is signed in.
enum KnownDevice {
    static let lifetime: TimeInterval = 365 * 86_400
    static let maximumTokens = 5

    static func cookieName(secure: Bool) -> String {
        secure ? "__Host-portevoix-appareil" : "portevoix-appareil"
    }

    static func token(memberID: UUID, key: [UInt8], now: Date = Date()) -> String {
        let issued = Int(now.timeIntervalSince1970)
        let nonce = (0..<16).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max)) }.joined()
        return "\(issued).\(nonce).\(signature(memberID: memberID, issued: issued, nonce: nonce, key: key))"
    }

    /// The token's random value when one of the cookie's tokens was issued
    /// to this member and is still valid: the key its failures count under.
    static func match(_ cookie: String?, memberID: UUID, key: [UInt8], now: Date = Date()) -> String? {
        for token in tokens(cookie) {
            let parts = token.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].count <= 12, let issued = Int(parts[0]),
                  Double(issued) <= now.timeIntervalSince1970 + 60,
                  Double(issued) + lifetime > now.timeIntervalSince1970,
                  parts[1].count == 32
            else { continue }
            let nonce = String(parts[1])
            if SecureToken.constantTimeEquals(String(parts[2]), signature(memberID: memberID, issued: issued, nonce: nonce, key: key)) {
                return nonce
            }
        }
        return nil
    }

    /// The cookie's tokens, well-formed ones only, at most `maximumTokens`.
    static func tokens(_ cookie: String?) -> [String] {
        guard let cookie, cookie.count <= 1000 else { return [] }
        return cookie.split(separator: "~").map(String.init)
            .filter { $0.count <= 120 && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) } }
            .suffix(maximumTokens).map { $0 }
    }

    /// The cookie after this member signed in: their token added, unless one
    /// is already there; the oldest ones leave past `maximumTokens`.
    static func remembering(_ cookie: String?, memberID: UUID, key: [UInt8], now: Date = Date()) -> String? {
        guard match(cookie, memberID: memberID, key: key, now: now) == nil else { return nil }
        let kept = tokens(cookie).suffix(maximumTokens - 1)
        return (kept + [token(memberID: memberID, key: key, now: now)]).joined(separator: "~")
    }

    static func signature(memberID: UUID, issued: Int, nonce: String, key: [UInt8]) -> String {
        let message = "portevoix-appareil|\(memberID.uuidString.lowercased())|\(issued)|\(nonce)"
        let mac = HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: SymmetricKey(data: key))
        return Data(mac).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}

extension Request {
    /// The known-device key for this member's sign-in failures, if this
    /// browser is one where they signed in before.
    func knownDevice(of memberID: UUID?) -> String? {
        guard let memberID else { return nil }
        let settings = application.settings
        return KnownDevice.match(cookies[KnownDevice.cookieName(secure: settings.secureCookies)]?.string,
                                 memberID: memberID, key: application.siteKeys.signing)
    }

    /// Remembers this browser for the member who just signed in.
    func rememberDevice(for memberID: UUID, on response: Response) {
        let secure = application.settings.secureCookies
        let name = KnownDevice.cookieName(secure: secure)
        guard let value = KnownDevice.remembering(cookies[name]?.string, memberID: memberID, key: application.siteKeys.signing)
        else { return }
        response.cookies[name] = HTTPCookies.Value(string: value, expires: Date().addingTimeInterval(KnownDevice.lifetime),
                                                   maxAge: Int(KnownDevice.lifetime), domain: nil, path: "/",
                                                   isSecure: secure, isHTTPOnly: true, sameSite: .lax)
    }
}
