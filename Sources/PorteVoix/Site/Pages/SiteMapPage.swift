import Plot

/// `/plan-du-site`: every part of the site on one page, a second way to
/// find one's way beside the menu (RGAA 12.1). What a visitor may not open
/// is not listed.
enum SiteMapPage {
    static func view(context: PageContext) -> HTML {
        let member = context.member
        func link(_ label: String, _ url: SiteURL) -> Node<HTML.ListContext> { .li(.a(.href(url), .plain(label))) }
        return Layout.page(
            context,
            title: "Plan du site",
            content: .group(
                .h1("Plan du site"),
                .h2("Le conseil"),
                .ul(
                    link("Accueil", .home),
                    link("Les séances du conseil", .meetings),
                    link("Les votes", .polls),
                    link("Le débat sur le nom", .namingDebate)
                ),
                .h2("Les propositions"),
                .ul(
                    link("Toutes les propositions", .proposals),
                    link("Le suivi des réponses du Département", .followUp),
                    .if(member != nil, link("Faire une proposition", .newProposal)),
                    .if(member != nil, link("Mes propositions", .myProposals)),
                    link("La modération en chiffres", .transparency)
                ),
                .h2("Mon compte"),
                member == nil
                    ? .ul(link("Se connecter", .signIn), link("Activer ma carte d'accès", .activation))
                    : .ul(link("Mon compte", .myAccount(.show)), link("Mes notifications", .myAccount(.notifications))),
                .if(member?.hasAny([.moderator, .admin, .facilitator, .staff]) == true, .group(
                    .h2("Pour l'équipe"),
                    .ul(
                        .if(member?.has(.moderator) == true, link("À relire (modération)", .moderation)),
                        .if(member?.hasAny(Role.organisers) == true, link("Administration", .admin(.dashboard))),
                        .if(member?.hasAny([.staff, .admin, .facilitator]) == true, link("Exports et rapport d'activité", .exports))
                    )
                )),
                .h2("Informations"),
                .ul(.forEach(Layout.footerLinks.filter { $0.url != .siteMap }) { link($0.label, $0.url) })
            )
        )
    }
}
