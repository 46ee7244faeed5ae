import Plot

/// What sign-in and activation say when every hashing place is taken (`HashingGate`).
enum BusyNotice {
    /// Above a sign-in or activation form, which keeps what was typed.
    static var node: Node<HTML.BodyContext> {
        .div(
            .class("resume-erreurs"), .attribute(named: "role", value: "alert"),
            .h2("Trop d'essais d'un coup"),
            .p(.text("Beaucoup de personnes se connectent en ce moment. Attendez quelques secondes, puis réessayez.")),
            .p(.text("Ce n'est pas une erreur de votre part : cet essai ne compte pas."))
        )
    }
}
