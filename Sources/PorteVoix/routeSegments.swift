// The path segments of each family of pages, beside the map of `routes.swift`.

extension SiteURL.MyAccountPage {
    var segments: [PathSegment] {
        switch self {
        case .show: []
        case .pseudonym: ["pseudonyme"]
        case .password: ["mot-de-passe"]
        case .data: ["donnees"]
        case .deletion: ["suppression"]
        case .notifications: ["notifications"]
        case .notificationsRead: ["notifications", "lues"]
        }
    }
}

extension SiteURL.AdminPage {
    var segments: [PathSegment] {
        switch self {
        case .dashboard: []
        case .members: ["membres"]
        case .lists: ["listes"]
        case .territories: ["territoires"]
        case .themes: ["themes"]
        case .journal: ["journal"]
        case .settings: ["reglages"]
        case .settingsAddress: ["reglages", "adresse"]
        case .cards: ["cartes"]
        case .cardReplacements: ["cartes", "remplacement"]
        case .cardUnblock: ["cartes", "debloquer"]
        case .cardAddress: ["cartes", "adresse"]
        }
    }
}

extension SiteURL.AdminMemberPage {
    var segments: [PathSegment] {
        switch self {
        case .show: []
        case .roles: ["roles"]
        case .status: ["statut"]
        }
    }
}

extension SiteURL.ProposalPage {
    var segments: [PathSegment] {
        switch self {
        case .show: []
        case .edit: ["modifier"]
        case .status: ["statut"]
        case .support: ["soutien"]
        case .comments: ["commentaires"]
        case .paperAnswer: ["papier"]
        case .report: ["signalement"]
        case .easyAnswer: ["reponse-facile"]
        case .understanding: ["comprehension"]
        }
    }
}

extension SiteURL.MeetingPage {
    var segments: [PathSegment] {
        switch self {
        case .show, .calendarFile: []
        case .projection: ["projection"]
        case .printableMinutes: ["compte-rendu"]
        case .report: ["rapport"]
        case .reply: ["reponse"]
        case .edit: ["modifier"]
        case .status: ["statut"]
        case .agenda: ["points"]
        case .attendance: ["emargement"]
        case .attendanceSheet: ["emargement", "feuille"]
        case .minutes: ["compte-rendu", "modifier"]
        case .linkProposal: ["propositions"]
        case .kiosk: ["borne"]
        case .kioskEnd: ["borne", "fin"]
        }
    }
}

extension SiteURL.AgendaItemPage {
    var segments: [PathSegment] {
        switch self {
        case .edit: []
        case .move: ["deplacer"]
        case .current: ["courant"]
        case .delete: ["supprimer"]
        }
    }
}

extension SiteURL.PollPage {
    var segments: [PathSegment] {
        switch self {
        case .show: []
        case .trackers: ["bulletins"]
        case .confirm: ["confirmation"]
        case .change: ["modifier"]
        case .vote: ["vote"]
        case .status: ["statut"]
        case .paper: ["papier"]
        case .paperVoters: ["papier", "votants"]
        case .paperBallots: ["papier", "bulletins"]
        case .count: ["depouillement"]
        case .myShare: ["ma-part"]
        case .easyQuestion: ["question-facile"]
        }
    }
}

extension SiteURL.ListenPage {
    var segments: [PathSegment] {
        switch self {
        case .proposal(let id): ["propositions", .parameter(.proposal, id)]
        case .meeting(let id): ["seances", .parameter(.meeting, id)]
        case .poll(let id): ["scrutins", .parameter(.poll, id)]
        case .name(let id): ["debat-denomination", "noms", .parameter(.proposedName, id)]
        case .debate: ["debat-denomination"]
        case .content(let slug): [.constant(slug.rawValue)]
        }
    }
}

extension SiteURL.KioskPage {
    var segments: [PathSegment] {
        switch self {
        case .welcome: []
        case .moreTime: ["encore"]
        case .done: ["fin"]
        }
    }
}
