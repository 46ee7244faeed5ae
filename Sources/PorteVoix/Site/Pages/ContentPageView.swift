import Plot
import Vapor

enum ContentPageView {
    static func render(_ page: ContentPage, context: PageContext) -> HTML {
        Layout.page(
            context,
            title: page.title,
            description: page.description,
            content: .article(
                .class("texte"),
                .h1(.plain(page.title)),
                .raw(page.html)
            )
        )
    }
}
