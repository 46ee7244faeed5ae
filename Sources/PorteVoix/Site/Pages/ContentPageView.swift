import Plot
import Vapor

enum ContentPageView {
    /// The page; its easy-to-read version first when staff wrote one
    /// (`Content/facile/<slug>.md`), then the full text.
    static func render(_ page: ContentPage, easy: ContentPage? = nil, context: PageContext) -> HTML {
        Layout.page(
            context,
            title: page.title,
            description: page.description,
            content: .article(
                .class("texte"),
                .h1(.plain(page.title)),
                .unwrap(SiteURL.ContentSlug(rawValue: page.slug)) { ListenControl.node(.listen(.content($0)), context: context) },
                .unwrap(easy) { easy in
                    .group(
                        .div(.class("facile-a-lire point-courant"), .p(.strong("Facile à lire")),
                             .h2(.plain(easy.title)), .raw(easy.html)),
                        .p(.a(.href("#texte-complet"), .text("Lire le texte complet"))),
                        .h2(.id("texte-complet"), .text("Le texte complet"))
                    )
                },
                .raw(page.html)
            )
        )
    }
}
