import Plot

/// The signed-in member, as the page skeleton shows them.
public struct SignedInMember: Sendable, Equatable {
    public var pseudonym: String
    public var roles: Set<Role>
    public var unreadNotifications: Int
    /// For moderators: contributions waiting for a decision.
    public var waitingForReview: Int

    public init(pseudonym: String, roles: Set<Role>, unreadNotifications: Int = 0, waitingForReview: Int = 0) {
        self.pseudonym = pseudonym
        self.roles = roles
        self.unreadNotifications = unreadNotifications
        self.waitingForReview = waitingForReview
    }

    public func has(_ role: Role) -> Bool { roles.contains(role) }
    public func hasAny(_ roles: Set<Role>) -> Bool { !self.roles.isDisjoint(with: roles) }
}

/// What every page needs to know about the request it answers.
public struct PageContext: Sendable {
    public var siteName: String
    public var departementName: String
    /// The path asked for, to mark the current navigation link.
    public var path: String
    /// The compliance status shown in the footer ("non conforme", …).
    public var accessibilityStatus: String
    public var member: SignedInMember?
    /// The session's form token, for the sign-out button; nil without session.
    public var csrfToken: String?
    /// A message left by the previous page ("Votre mot de passe est changé.").
    public var flash: String?
    /// The database could not save a form shown again: what to tell on top (`FaultPages`).
    public var faultNotice: [String]?
    /// The server has a voice: pages show « Écouter » (`ListenControl`).
    public var canListen = false
    /// A voting kiosk's page: its own header and time limit (`KioskPages`).
    public var kiosk: KioskChrome?
    /// The page holds « Encore du temps » in its ballot form.
    public var kioskButtonInPage = false
    /// A kiosk's tracker page after the member was signed out: covered after a minute.
    public var kioskShortCover = false

    public init(
        siteName: String, departementName: String, path: String, accessibilityStatus: String,
        member: SignedInMember? = nil, csrfToken: String? = nil, flash: String? = nil, faultNotice: [String]? = nil
    ) {
        self.siteName = siteName
        self.departementName = departementName
        self.path = path
        self.accessibilityStatus = accessibilityStatus
        self.member = member
        self.csrfToken = csrfToken
        self.flash = flash
        self.faultNotice = faultNotice
    }
}

/// One link of the main navigation.
struct NavigationLink: Sendable {
    let label: String
    let url: SiteURL
    var path: String { url.path }

    init(label: String, path url: SiteURL) {
        self.label = label
        self.url = url
    }
}

/// The page skeleton: the head is built here and only here.
public enum Layout {
    /// Bumped when the stylesheet changes, so browsers fetch the new one.
    static let stylesheetVersion = "8"
    /// Served by `Stylesheet` from `Styles/portevoix.css`.
    static let stylesheet = "/css/portevoix.css?v=\(stylesheetVersion)"
    static let kioskStylesheet = "/css/borne.css?v=2"
    static let projectionStylesheet = "/css/projection.css?v=1"

    /// The main menu, for who is looking.
    static func mainNavigation(for member: SignedInMember?) -> [NavigationLink] {
        var links = [
            NavigationLink(label: "Accueil", path: .home),
            NavigationLink(label: "Séances", path: .meetings),
            NavigationLink(label: "Votes", path: .polls),
            NavigationLink(label: "Propositions", path: .proposals),
            NavigationLink(label: "Suivi", path: .followUp),
        ]
        guard let member else {
            links.append(NavigationLink(label: "Se connecter", path: .signIn))
            links.append(NavigationLink(label: "Activer ma carte", path: .activation))
            links.append(NavigationLink(label: "Aide", path: .content(.help)))
            return links
        }
        let unread = member.unreadNotifications
        links.append(NavigationLink(
            label: unread == 0 ? "Notifications" : "Notifications (\(unread) non lue\(unread > 1 ? "s" : ""))",
            path: .myAccount(.notifications)
        ))
        links.append(NavigationLink(label: "Mon compte", path: .myAccount(.show)))
        if member.has(.moderator) {
            let waiting = member.waitingForReview
            links.append(NavigationLink(label: waiting == 0 ? "À relire" : "À relire (\(waiting) en attente)", path: .moderation))
        }
        if member.hasAny(Role.organisers) {
            links.append(NavigationLink(label: "Administration", path: .admin(.dashboard)))
        }
        if member.hasAny([.staff, .admin, .facilitator]) {
            links.append(NavigationLink(label: "Exports", path: .exports))
        }
        links.append(NavigationLink(label: "Aide", path: .content(.help)))
        return links
    }

    static let footerLinks: [NavigationLink] = [
        NavigationLink(label: "Accessibilité", path: .content(.accessibility)),
        NavigationLink(label: "Mentions légales", path: .content(.legal)),
        NavigationLink(label: "Modération", path: .transparency),
        NavigationLink(label: "Confidentialité", path: .content(.privacy)),
        NavigationLink(label: "Charte", path: .content(.charter)),
        NavigationLink(label: "Aide", path: .content(.help)),
        NavigationLink(label: "Plan du site", path: .siteMap),
    ]

    /// A whole page.
    ///
    /// - Parameters:
    ///   - title: what is specific to this page; the site name follows it.
    ///   - description: one sentence for search engines and link previews.
    ///   - content: what goes in `<main>`, starting with the page's only `<h1>`.
    public static func page(
        _ context: PageContext,
        title: String,
        description: String? = nil,
        content: Node<HTML.BodyContext>
    ) -> HTML {
        HTML(
            .lang(.french),
            head(context, title: title, description: description),
            .body(
                .unwrap(context.kiosk) { _ in .class("borne") },
                .a(.class("lien-evitement"), .href("#contenu"), .text("Aller au contenu")),
                context.kiosk.map { KioskPages.header(context, $0) } ?? header(context),
                .main(
                    .id("contenu"), .attribute(named: "tabindex", value: "-1"),
                    .unwrap(context.flash) { .div(.class("message-succes"), .attribute(named: "role", value: "status"), .p(.plain($0))) },
                    .unwrap(context.faultNotice) { lines in
                        .div(.class("resume-erreurs"), .attribute(named: "role", value: "alert"), .id("enregistrement-impossible"),
                             // No heading: it comes before the page's h1.
                             .p(.strong(.plain(FaultPages.cannotSave))), .forEach(lines) { .p(.plain($0)) })
                    },
                    content
                ),
                .unwrap(context.kiosk) { KioskPages.timeLimit(context, $0, buttonInPage: context.kioskButtonInPage) },
                context.kiosk == nil ? footer(context) : .footer(.class("pied"), .div(.class("pied-contenu"),
                    .p(.plain("\(context.siteName) · \(context.departementName) · borne de vote"))))
            )
        )
    }

    static func head(_ context: PageContext, title: String, description: String?) -> Node<HTML.DocumentContext> {
        let fullTitle = title == context.siteName ? title : "\(title) — \(context.siteName)"
        return .head(
            .meta(.charset(.utf8)),
            .meta(.name("viewport"), .content("width=device-width, initial-scale=1")),
            .element(named: "title", nodes: [.plain(fullTitle)]),
            .unwrap(description) { .meta(.name("description"), .content(escapeAttribute($0))) },
            .link(.rel(.stylesheet), .href(stylesheet)),
            .if(context.kiosk != nil, .link(.rel(.stylesheet), .href(kioskStylesheet))),
            .link(.rel(.icon), .href("/favicon.svg"), .type("image/svg+xml"))
        )
    }

    static func header(_ context: PageContext) -> Node<HTML.BodyContext> {
        .header(
            .class("entete"),
            .div(
                .class("entete-contenu"),
                .a(
                    .class("marque"), .href(.home),
                    .span(.class("marque-nom"), .plain(context.siteName)),
                    .span(.class("marque-sous-titre"), .plain("Conseil consultatif du RSA · \(context.departementName)"))
                ),
                navigation(context)
            )
        )
    }

    static func navigation(_ context: PageContext) -> Node<HTML.BodyContext> {
        let links = mainNavigation(for: context.member)
        let current = currentLink(among: links, path: context.path)
        return .nav(
            .ariaLabel("Menu principal"),
            .ul(
                .forEach(links) { link in
                    .li(.a(
                        .href(link.url),
                        .if(link.path == current?.path, .attribute(named: "aria-current", value: "page")),
                        .plain(link.label)
                    ))
                },
                .if(context.member != nil && context.csrfToken != nil, .li(
                    Forms.post(
                        action: .signOut, csrf: context.csrfToken ?? "", class: "form-deconnexion",
                        .button(.type(.submit), .class("lien-bouton"), .text("Se déconnecter"))
                    )
                ))
            )
        )
    }

    /// The link the page belongs to: the longest one that is the path or a
    /// folder of it (/mon-compte/notifications belongs to "Notifications",
    /// not to "Mon compte").
    static func currentLink(among links: [NavigationLink], path: String) -> NavigationLink? {
        links
            .filter { $0.path == "/" ? path == "/" : (path == $0.path || path.hasPrefix($0.path + "/")) }
            .max { $0.path.count < $1.path.count }
    }

    static func footer(_ context: PageContext) -> Node<HTML.BodyContext> {
        .footer(
            .class("pied"),
            .div(
                .class("pied-contenu"),
                .nav(
                    .ariaLabel("Informations sur le site"),
                    .ul(.forEach(footerLinks) { link in
                        .li(.a(
                            .href(link.url),
                            .plain(link.url == .content(.accessibility)
                                ? "Accessibilité : \(context.accessibilityStatus)"
                                : link.label)
                        ))
                    })
                ),
                .p(.plain("\(context.siteName) · \(context.departementName)"))
            )
        )
    }
}
