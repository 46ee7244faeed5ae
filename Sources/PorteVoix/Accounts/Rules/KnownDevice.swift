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
/// key, of the member's id and current password hash with both: a new
/// password or a replacement card ends every token issued before, so a
/// token minted by someone who once knew the password is worth nothing
/// against the new one. It names no member: only the server can
/// tell whose it is, by checking it against the account being signed into.
/// It outlives sign-out on purpose, and says nothing about who is signed in.
enum KnownDevice {
    static let lifetime: TimeInterval = 365 * 86_400
    static let maximumTokens = 5

    static func cookieName(secure: Bool) -> String {
        secure ? "__Host-portevoix-appareil" : "portevoix-appareil"
    }

    /// Who a token is for: the member, and the password they had then.
    struct Holder: Sendable {
        let memberID: UUID
        let credential: String
    }

    static func token(for holder: Holder, key: [UInt8], now: Date) -> String {
        let issued = Int(now.timeIntervalSince1970)
        let nonce = SecureToken.make()
        return "\(issued).\(nonce).\(signature(holder, issued: issued, nonce: nonce, key: key))"
    }

    /// The token's random value when one of the cookie's tokens was issued
    /// to this member and is still valid: the key its failures count under.
    static func match(_ cookie: String?, holder: Holder, key: [UInt8], now: Date) -> String? {
        for token in tokens(cookie) {
            let parts = token.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].count <= 12, let issued = Int(parts[0]),
                  Double(issued) <= now.timeIntervalSince1970 + 60,
                  Double(issued) + lifetime > now.timeIntervalSince1970,
                  SecureToken.isWellFormed(String(parts[1]))
            else { continue }
            let nonce = String(parts[1])
            if SecureToken.constantTimeEquals(String(parts[2]), signature(holder, issued: issued, nonce: nonce, key: key)) {
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
    static func remembering(_ cookie: String?, holder: Holder, key: [UInt8], now: Date) -> String? {
        guard match(cookie, holder: holder, key: key, now: now) == nil else { return nil }
        let kept = tokens(cookie).suffix(maximumTokens - 1)
        return (kept + [token(for: holder, key: key, now: now)]).joined(separator: "~")
    }

    static func signature(_ holder: Holder, issued: Int, nonce: String, key: [UInt8]) -> String {
        let credential = Data(SHA256.hash(data: Data(holder.credential.utf8))).base64EncodedString()
        let message = "portevoix-appareil|\(holder.memberID.uuidString.lowercased())|\(credential)|\(issued)|\(nonce)"
        return SecureToken.signature(message, key: key)
    }
}

extension Request {
    /// The known-device key for this member's sign-in failures, if this
    /// browser is one where they signed in before.
    func knownDevice(of member: Member?) -> String? {
        guard let holder = member.flatMap(KnownDevice.Holder.init) else { return nil }
        let settings = application.settings
        return KnownDevice.match(cookies[KnownDevice.cookieName(secure: settings.secureCookies)]?.string,
                                 holder: holder, key: application.siteKeys.signing, now: now)
    }

    /// Remembers this browser for the member who just signed in.
    func rememberDevice(for member: Member, on response: Response) {
        // A kiosk serves the whole room: it remembers nobody.
        guard kiosk == nil else { return }
        let secure = application.settings.secureCookies
        let name = KnownDevice.cookieName(secure: secure)
        guard let holder = KnownDevice.Holder(member),
              let value = KnownDevice.remembering(cookies[name]?.string, holder: holder, key: application.siteKeys.signing, now: now)
        else { return }
        response.cookies[name] = HTTPCookies.Value(string: value, expires: now.addingTimeInterval(KnownDevice.lifetime),
                                                   maxAge: Int(KnownDevice.lifetime), domain: nil, path: "/",
                                                   isSecure: secure, isHTTPOnly: true, sameSite: .lax)
    }
}

extension KnownDevice.Holder {
    /// Nil for an account without a password (replaced card, deleted).
    init?(_ member: Member) {
        guard let id = member.id, let hash = member.passwordHash else { return nil }
        self.init(memberID: id, credential: hash)
    }
}
