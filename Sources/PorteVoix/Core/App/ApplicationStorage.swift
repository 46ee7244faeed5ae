import Vapor

extension Application {
    private struct SettingsKey: StorageKey { typealias Value = Settings }

    /// The settings read at start-up; `configure` sets them before anything else.
    public var settings: Settings {
        get {
            guard let settings = storage[SettingsKey.self] else {
                fatalError("configure(_:settings:) sets the settings before any use")
            }
            return settings
        }
        set { storage[SettingsKey.self] = newValue }
    }

    private struct SiteKeysKey: StorageKey { typealias Value = SiteKeys }

    /// The ballot master key and the signing key, loaded at start-up.
    public var siteKeys: SiteKeys {
        get {
            guard let keys = storage[SiteKeysKey.self] else {
                fatalError("configure(_:settings:) loads the site keys before any use")
            }
            return keys
        }
        set { storage[SiteKeysKey.self] = newValue }
    }

    private struct ContentStoreKey: StorageKey { typealias Value = ContentStore }

    /// The Markdown pages of `Content/`.
    var contentStore: ContentStore {
        get {
            guard let store = storage[ContentStoreKey.self] else {
                fatalError("configure(_:settings:) sets the content store before any use")
            }
            return store
        }
        set { storage[ContentStoreKey.self] = newValue }
    }
}

extension Request {
    /// What the page skeleton needs to know about this request.
    public var pageContext: PageContext {
        let settings = application.settings
        let session = try? webSession
        var context = PageContext(
            siteName: settings.siteName,
            departementName: settings.departementName,
            path: url.path,
            accessibilityStatus: application.contentStore.accessibilityStatus,
            member: member.map {
                SignedInMember(pseudonym: $0.pseudonym ?? "", roles: $0.roles,
                               unreadNotifications: storage[UnreadNotificationsKey.self] ?? 0,
                               waitingForReview: storage[WaitingForReviewKey.self] ?? 0)
            },
            csrfToken: session?.record?.csrfSecret,
            flash: session?.flash,
            faultNotice: faultNotice
        )
        context.canListen = application.voice != nil
        if let kiosk {
            context.kiosk = KioskChrome(meetingTitle: kiosk.meetingTitle, signedIn: member != nil && session?.record != nil, path: url.path)
        }
        return context
    }
}
