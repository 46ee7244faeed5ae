import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Ink
import NIOConcurrencyHelpers

/// A page written in Markdown by staff, in `Content/<slug>.md`.
struct ContentPage: Sendable, Equatable {
    let slug: String
    let title: String
    let description: String?
    /// Front matter beyond title and description (e.g. `statut` on the
    /// accessibility statement).
    let metadata: [String: String]
    /// Ink's HTML: Content/ is trusted text written by staff, never members.
    let html: String
    /// The Markdown it was made from, for the voice.
    var markdown: String = ""
}

/// Reads the Markdown pages and keeps them until their file changes, so an
/// edit shows on the next visit without a rebuild or even a restart.
final class ContentStore: Sendable {
    /// The pages the footer links to; the routes are fixed (printed cards and
    /// bookmarks point at them).
    static let slugs = SiteURL.ContentSlug.allCases.map(\.rawValue)

    let directory: String
    private let cache = NIOLockedValueBox<[String: (modified: Date, page: ContentPage)]>([:])

    init(directory: String) {
        self.directory = directory.hasSuffix("/") ? directory : directory + "/"
    }

    func path(of slug: String) -> String { directory + slug + ".md" }

    /// Where a page's easy-to-read version lives: a second Markdown file.
    static let easyFolder = "facile/"

    /// The page, or nil when its file does not exist.
    func page(_ slug: String) throws -> ContentPage? {
        try read(slug, file: path(of: slug))
    }

    /// The page's « facile à lire » version, `Content/facile/<slug>.md`, if staff wrote one.
    func easyPage(_ slug: String) throws -> ContentPage? {
        try read(Self.easyFolder + slug, file: directory + Self.easyFolder + slug + ".md")
    }

    private func read(_ key: String, file path: String) throws -> ContentPage? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        let modified = attributes[.modificationDate] as? Date ?? .distantPast
        if let cached = cache.withLockedValue({ $0[key] }), cached.modified == modified {
            return cached.page
        }
        let markdown = try String(contentsOfFile: path, encoding: .utf8)
        let page = Self.parse(markdown, slug: key)
        cache.withLockedValue { $0[key] = (modified, page) }
        return page
    }

    static func parse(_ markdown: String, slug: String) -> ContentPage {
        let parsed = MarkdownParser().parse(markdown)
        var metadata = parsed.metadata
        let title = metadata.removeValue(forKey: "title") ?? parsed.title ?? slug
        let description = metadata.removeValue(forKey: "description")
        return ContentPage(slug: slug, title: title, description: description, metadata: metadata, html: parsed.html,
                           markdown: markdown)
    }

    /// The modification dates of every Markdown file, as one number: the
    /// page cache empties when a file is edited, added or removed.
    func fingerprint() -> Int {
        // stat(2) of each file, not FileManager's attribute dictionaries: this
        // runs before every page served from memory, and FileManager cost
        // more instructions than the page. The names are listed again only
        // when a folder changed (a file added, removed or renamed).
        let folders = [directory, directory + Self.easyFolder]
        let folderStamps = folders.map { Self.stamp(of: $0) }
        let names = listing.withLockedValue { listing -> [String] in
            if listing.stamps != folderStamps {
                let easy = ((try? FileManager.default.contentsOfDirectory(atPath: folders[1])) ?? []).map { Self.easyFolder + $0 }
                let names = (((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []) + easy)
                    .filter { $0.hasSuffix(".md") }.sorted()
                // A folder changed within the last two seconds may change again
                // within its clock's tick: list it again next time. (The file
                // system's clock, not the site's: mtimes are written with it.)
                let now = Int(time(nil))
                let settled = folderStamps.allSatisfy { now - $0.seconds > 2 }
                listing = (settled ? folderStamps : [], names)
            }
            return listing.names
        }
        var hasher = Hasher()
        for name in names {
            hasher.combine(name)
            hasher.combine(Self.stamp(of: directory + name))
        }
        return hasher.finalize()
    }

    private let listing = NIOLockedValueBox<(stamps: [FileStamp], names: [String])>(([], []))

    struct FileStamp: Hashable {
        var seconds: Int
        var nanoseconds: Int
        var size: Int
    }

    /// Modification time and size, or zeros when the file is missing.
    static func stamp(of path: String) -> FileStamp {
        var info = stat()
        guard stat(path, &info) == 0 else { return FileStamp(seconds: 0, nanoseconds: 0, size: 0) }
        #if os(Linux)
        let time = info.st_mtim
        #else
        let time = info.st_mtimespec
        #endif
        return FileStamp(seconds: Int(time.tv_sec), nanoseconds: Int(time.tv_nsec), size: Int(info.st_size))
    }

    /// The compliance status of the accessibility statement, for the footer
    /// of every page ("non conforme" until an audit says otherwise).
    /// Every page's footer says it: computed once, when the audit is read
    /// (106 criteria over 1,590 findings took more instructions than the
    /// rest of a page served from memory).
    var accessibilityStatus: String {
        auditBox.withLockedValue { $0.status } ?? (try? page("accessibilite"))?.metadata["statut"] ?? "non conforme"
    }

    /// The RGAA audit (`docs/rgaa/`), read at start-up; nil when missing.
    var audit: ConformityAudit? {
        get { auditBox.withLockedValue { $0.audit } }
        set { auditBox.withLockedValue { $0 = (newValue, newValue?.status) } }
    }

    private let auditBox = NIOLockedValueBox<(audit: ConformityAudit?, status: String?)>((nil, nil))
}
