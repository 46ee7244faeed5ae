import Foundation
import Plot

/// What a member reads when the hourly limit of sending pauses them.
enum ContributionPages {
    /// The kind message shown above the form, which keeps the text.
    static func notice(_ kind: ContributionLimit.Kind, pause: Pause) -> Node<HTML.BodyContext> {
        let (heading, what) = switch kind {
        case .proposals: ("Vous avez envoyé beaucoup de propositions cette heure-ci", "votre proposition")
        case .comments: ("Vous avez envoyé beaucoup de commentaires cette heure-ci", "votre commentaire")
        }
        return .div(
            .class("resume-erreurs"), .attribute(named: "role", value: "alert"), .id("pause-envois"),
            .h2(.plain(heading)),
            .p(.plain("Pour éviter les envois en masse, le site fait une petite pause. Votre texte est gardé ci-dessous : "
                + "vous pourrez envoyer \(what) à partir de \(FrenchDates.pause(pause)).")),
            .p(.text("Si vous avez besoin d'en envoyer davantage, parlez-en à l'animatrice ou l'animateur du conseil."))
        )
    }
}
