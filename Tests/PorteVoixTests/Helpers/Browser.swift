import Foundation
import Testing
import Vapor
import VaporTesting
@testable import PorteVoix

/// A visitor that keeps its cookies from one request to the next, like a
/// browser, and reads form tokens from the pages it gets.
struct Browser {
    let app: Application
    var cookies: [String: String] = [:]

    init(_ app: Application) {
        self.app = app
    }

    @discardableResult
    mutating func get(_ path: String, headers: HTTPHeaders = [:]) async throws -> TestingHTTPResponse {
        try await send(.GET, path, headers: headers, body: nil)
    }

    /// Sends a form, as `application/x-www-form-urlencoded`.
    @discardableResult
    mutating func post(
        _ path: String, form: [String: String], method: HTTPMethod = .POST, headers: HTTPHeaders = [:]
    ) async throws -> TestingHTTPResponse {
        var headers = headers
        headers.contentType = .urlEncodedForm
        let body = try URLEncodedFormEncoder().encode(form)
        return try await send(method, path, headers: headers, body: ByteBuffer(string: body))
    }

    mutating func send(
        _ method: HTTPMethod, _ path: String, headers: HTTPHeaders, body: ByteBuffer?
    ) async throws -> TestingHTTPResponse {
        var headers = headers
        if !cookies.isEmpty {
            headers.replaceOrAdd(
                name: .cookie,
                value: cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
            )
        }
        let request = TestingHTTPRequest(
            method: method, url: URI(string: path), headers: headers,
            body: body ?? ByteBuffer()
        )
        let response = try await app.testing().performTest(request: request)
        for (name, value) in response.headers.setCookie?.all ?? [:] {
            if value.string.isEmpty || (value.expires.map { $0 < Date() } ?? false) {
                cookies[name] = nil
            } else {
                cookies[name] = value.string
            }
        }
        return response
    }
}

extension TestingHTTPResponse {
    var text: String { body.string }

    /// The value of the hidden `_csrf` field of the page, if it has a form.
    var csrfToken: String? {
        guard let range = text.range(of: #"name="_csrf" value="([^"]+)""#, options: .regularExpression) else {
            return nil
        }
        let match = String(text[range])
        return match.components(separatedBy: "value=\"").last.map { String($0.dropLast()) }
    }
}

extension TestingHTTPResponse {
    /// The tracker code shown after a vote, read from its own paragraph (the
    /// page's form tokens can hold a run that looks like one).
    var trackerCode: String? {
        guard let range = text.range(of: #"<p class="code-verification">[A-Z0-9]{4}-[A-Z0-9]{4}</p>"#, options: .regularExpression)
        else { return nil }
        return String(text[range].dropFirst(#"<p class="code-verification">"#.count).prefix(9))
    }
}

/// How many times `needle` occurs in `haystack`.
func occurrences(of needle: String, in haystack: String) -> Int {
    haystack.components(separatedBy: needle).count - 1
}
