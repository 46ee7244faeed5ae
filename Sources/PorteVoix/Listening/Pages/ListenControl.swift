import Plot

/// « Écouter »: the browser's own player, which loads nothing until the
/// person presses play (`preload="none"`), under the page's title. Shown only
/// on pages of one thing (never on each item of a list) and only when the
/// server has a voice.
enum ListenControl {
    static func node(_ url: SiteURL, context: PageContext, what: String = "cette page") -> Node<HTML.BodyContext> {
        guard context.canListen else { return .empty }
        let path = escapeAttribute(url.path)
        return .div(
            .class("ecouter"),
            .p(.id("ecouter-titre"), .strong("Écouter"), .plain(" \(what) (voix de synthèse)")),
            .raw("<audio controls preload=\"none\" aria-labelledby=\"ecouter-titre\" src=\"\(path)\">"
                + "<a href=\"\(path)\">Télécharger l'enregistrement (MP3)</a></audio>")
        )
    }
}
