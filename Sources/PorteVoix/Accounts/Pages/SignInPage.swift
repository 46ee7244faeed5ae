import Fluent
import Plot
import Vapor

enum SignInPage {
    /// `base` (the sign-in page by default) with where to go next, if that is a path of this site.
    static func path(returningTo target: String?, from base: SiteURL = .signIn) -> String {
        guard let target = safeReturnPath(target), target != "/" else { return base.path }
        return base.path(query: [("retour", target)])
    }

    /// A path on this site only: never another site after signing in.
    static func safeReturnPath(_ candidate: String?) -> String? {
        guard let candidate, candidate.hasPrefix("/"), !candidate.hasPrefix("//"), !candidate.hasPrefix("/\\"),
              !candidate.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }),
              candidate.count < 500
        else { return nil }
        return candidate
    }

    struct Model {
        var csrf: String
        var pseudonym: String
        var returnPath: String?
        var errors = FormErrors()
        var blocked: Pause?
        /// Every place for checking a password was taken: try again in a moment.
        var busy = false
        var suspended = false
        /// The account's card was replaced: its old password no longer works.
        var replacedAt: Date?
        var replacedBy: String?
        /// At a kiosk: the previous member was signed out for lack of action.
        var kioskTimedOut = false
    }

    static func view(_ model: Model, context: PageContext) -> HTML {
        Layout.page(
            context,
            title: model.errors.isEmpty && !model.busy && model.blocked == nil && !model.suspended
                ? "Se connecter" : "Erreur — Se connecter",
            content: .group(
                .h1("Se connecter"),
                message(model),
                Forms.errorSummary(model.errors),
                Forms.post(
                    action: .signIn, csrf: model.csrf, class: "formulaire",
                    .unwrap(model.returnPath) { Forms.input([("type", "hidden"), ("name", "retour"), ("value", $0)]) },
                    Forms.field("pseudonyme", label: "Pseudonyme", value: model.pseudonym,
                                error: model.errors["pseudonyme"], required: true, autocomplete: "username",
                                maxLength: AccountLimits.typedPseudonym),
                    Forms.field("motDePasse", label: "Mot de passe", kind: .password,
                                error: model.errors["motDePasse"], required: true, autocomplete: "current-password"),
                    Forms.submit("Me connecter")
                ),
                .h2("Première visite ?"),
                .p(.text("Avec la carte d'accès remise par l'animatrice ou l'animateur du conseil, "),
                   .a(.href(.activation), .text("activez votre compte")), .text(".")),
                .h2("Mot de passe oublié ?"),
                .p(.text("Ce n'est pas grave. Demandez une nouvelle carte d'accès à l'animatrice ou l'animateur "),
                   .text("du conseil : vous gardez votre pseudonyme et tout ce que vous avez fait."))
            )
        )
    }

    static func message(_ model: Model) -> Node<HTML.BodyContext> {
        if model.busy { return BusyNotice.node }
        if model.kioskTimedOut {
            return .div(.class("message-succes"), .attribute(named: "role", value: "status"),
                        .p(.text("Le temps était écoulé : la borne a déconnecté la personne précédente. Son vote, s'il était confirmé, est bien compté.")))
        }
        if let pause = model.blocked {
            return .div(
                .class("resume-erreurs"), .attribute(named: "role", value: "alert"),
                .h2("Trop d'essais d'un coup"),
                .p(.plain("Pour protéger les comptes, la connexion est en pause. Vous pourrez réessayer à "
                    + "\(FrenchDates.pause(pause)).")),
                .p(.text("Si vous avez oublié votre mot de passe, demandez une nouvelle carte d'accès."))
            )
        }
        if let replacedAt = model.replacedAt {
            return .div(
                .class("resume-erreurs"), .attribute(named: "role", value: "alert"),
                .h2("La carte de ce compte a été remplacée"),
                .p(.plain("Une nouvelle carte d'accès a été faite pour ce compte le \(FrenchDates.dayAndTime(replacedAt)), "
                    + "confirmée par \(model.replacedBy ?? "l'équipe du conseil"). L'ancien mot de passe ne marche plus : "
                    + "activez la nouvelle carte pour en choisir un.")),
                .p(.text("Si vous n'avez pas demandé de nouvelle carte, parlez-en tout de suite à la personne qui anime le conseil "),
                   .text("ou à un administrateur du site : chaque carte de remplacement est écrite dans le journal des actions."))
            )
        }
        if model.suspended {
            return .div(
                .class("resume-erreurs"), .attribute(named: "role", value: "alert"),
                .h2("Votre compte est suspendu"),
                .p(.text("Vous ne pouvez pas vous connecter pour le moment. "),
                   .text("Pour en savoir plus, parlez-en à l'animatrice ou l'animateur du conseil."))
            )
        }
        return .empty
    }
}
