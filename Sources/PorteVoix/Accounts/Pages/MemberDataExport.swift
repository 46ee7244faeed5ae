import Fluent
import SQLKit
import Plot
import Vapor

/// Everything held about one member, and nothing about anyone else.
struct MemberDataExport: Encodable {
    struct Account: Encodable {
        let pseudonyme: String?
        let statut: String
        let roles: [String]
        let territoire: String?
        let compteCreeLe: Date
        let charteAccepteeLe: Date?
    }

    struct Card: Encodable {
        let creeeLe: Date
        let expireLe: Date
        let utiliseeLe: Date?
        let carteDeRemplacement: Bool
    }

    struct Session: Encodable {
        let ouverteLe: Date
        let derniereActiviteLe: Date
    }

    /// A personal API token: what it is for and its dates, never the token (the site has only its hash).
    struct Token: Encodable {
        let nom: String
        let creeLe: Date
        let expireLe: Date
        let revoqueLe: Date?
        let derniereUtilisationLe: Date?
    }

    struct Action: Encodable {
        let date: Date
        let action: String
        let resume: String
    }

    struct OwnProposal: Encodable {
        let titre: String
        let texte: String
        let statut: String
        let publieeSansPseudonyme: Bool
        let envoyeeLe: Date
    }

    struct OwnComment: Encodable {
        let proposition: String
        let texte: String
        let publie: Bool
        let envoyeLe: Date
    }

    struct MeetingEntry: Encodable {
        let seance: String
        let date: Date
        let reponse: String?
        let present: Bool
    }

    struct Participation: Encodable {
        let scrutin: String
        let canal: String
    }

    /// The naming debate: a name this member proposed, an opinion they gave.
    struct OwnName: Encodable {
        let nom: String
        let explication: String
        let publie: Bool
        let envoyeLe: Date
    }

    struct OwnOpinion: Encodable {
        let nom: String
        let position: String
        let texte: String
        let publie: Bool
        let modifieLe: Date
    }

    /// A report this member sent: theirs to see, nobody else's.
    struct OwnReport: Encodable {
        let contenu: String
        let raison: String
        let commentaire: String
        let envoyeLe: Date
        let decide: Bool
    }

    struct Replacement: Encodable {
        let demandeeLe: Date
        let confirmeeLe: Date?
        /// The role of who confirmed it, as the account page shows it.
        let confirmeePar: String?
    }

    struct Notification: Encodable {
        let message: String
        let date: Date
        let lue: Bool
    }

    let exporteLe: Date
    let explication: String
    let compte: Account
    let cartesDAcces: [Card]
    let cartesDeRemplacement: [Replacement]
    let sessionsOuvertes: [Session]
    let jetonsPourLAPI: [Token]
    let actionsDAdministration: [Action]
    let mesPropositions: [OwnProposal]
    /// Paper proposals that name me, waiting for my answer.
    let propositionsSurPapierAConfirmer: [String]
    let mesCommentaires: [OwnComment]
    /// The proposals this member supports: shown to them, never to anyone else.
    let propositionsQueJeSoutiens: [String]
    let notifications: [Notification]
    let seances: [MeetingEntry]
    /// That I voted, and how; never what: nobody can know it.
    let votesAuxquelsJaiParticipe: [Participation]
    let mesSignalements: [OwnReport]
    let debatSurLeNomMesNoms: [OwnName]
    let debatSurLeNomMesAvis: [OwnOpinion]

    static func make(for member: Member, now: Date, on database: any Database) async throws -> MemberDataExport {
        let memberID = try member.requireID()
        try await member.$territory.load(on: database)
        let cards = try await AccessCard.query(on: database).filter(\.$member.$id == memberID).sort(\.$createdAt).all()
        let replacements = try await CardReplacement.query(on: database).filter(\.$member.$id == memberID)
            .sort(\.$requestedAt).all()
        let claimed = try await Proposal.query(on: database).filter(\.$claimedAuthor.$id == memberID).sort(\.$createdAt).all()
        let sessions = try await WebSessionRecord.query(on: database).filter(\.$memberID == memberID).all()
        let tokens = try await APIToken.query(on: database).filter(\.$member.$id == memberID).sort(\.$createdAt).all()
        let actions = try await AuditEntry.query(on: database).filter(\.$actor.$id == memberID).sort(\.$sequence).all()
        let actionNames = try await AuditNames.load(for: actions, on: database)
        let proposals = try await Proposal.query(on: database).filter(\.$author.$id == memberID).sort(\.$createdAt).all()
        let comments = try await ProposalComment.query(on: database).filter(\.$author.$id == memberID)
            .with(\.$proposal).sort(\.$createdAt).all()
        let supports = try await ProposalSupport.query(on: database).filter(\.$member.$id == memberID).with(\.$proposal).all()
        let notifications = try await MemberNotification.query(on: database).filter(\.$member.$id == memberID)
            .sort(\.$createdAt).all()
        let reports = try await ContentReport.query(on: database).filter(\.$reporter.$id == memberID).sort(\.$createdAt).all()
        let names = try await ProposedName.query(on: database).filter(\.$author.$id == memberID).sort(\.$createdAt).all()
        let opinions = try await NameOpinion.query(on: database).filter(\.$member.$id == memberID).with(\.$proposedName)
            .sort(\.$updatedAt).all()
        let responses = try await MeetingResponse.query(on: database).filter(\.$member.$id == memberID).with(\.$meeting).all()
        let attendances = try await MeetingAttendance.query(on: database).filter(\.$member.$id == memberID).with(\.$meeting).all()
        var meetings: [UUID: MeetingEntry] = [:]
        for response in responses {
            meetings[response.$meeting.id] = MeetingEntry(seance: response.meeting.title, date: response.meeting.startsAt,
                                                     reponse: response.coming ? "je viendrai" : "je ne pourrai pas venir", present: false)
        }
        for attendance in attendances {
            let previous = meetings[attendance.$meeting.id]
            meetings[attendance.$meeting.id] = MeetingEntry(seance: attendance.meeting.title, date: attendance.meeting.startsAt,
                                                       reponse: previous?.reponse, present: true)
        }
        let participations = try await database.sql.raw("""
            SELECT polls.question AS question, poll_voters.channel AS channel FROM poll_voters
            JOIN polls ON polls.id = poll_voters.poll_id WHERE poll_voters.member_id = \(bind: memberID)
            """).all().map {
                Participation(scrutin: try $0.decode(column: "question", as: String.self),
                              canal: try $0.decode(column: "channel", as: String.self) == "paper" ? "sur papier" : "sur le site")
            }
        return MemberDataExport(
            exporteLe: now,
            explication: "Toutes les informations que le site garde sur votre compte. "
                + "Vos votes n'y sont pas : le site ne garde aucun bulletin relié à vous. "
                + "La liste des propositions que vous soutenez n'est montrée qu'à vous.",
            compte: Account(
                pseudonyme: member.pseudonym,
                statut: member.status.label,
                roles: member.roles.sorted().map(\.label),
                territoire: member.territory?.name,
                compteCreeLe: member.createdAt,
                charteAccepteeLe: member.charterAcceptedAt
            ),
            cartesDAcces: cards.map {
                Card(creeeLe: $0.createdAt, expireLe: $0.expiresAt, utiliseeLe: $0.usedAt,
                     carteDeRemplacement: $0.isReplacement)
            },
            cartesDeRemplacement: replacements.map {
                Replacement(demandeeLe: $0.requestedAt, confirmeeLe: $0.confirmedAt,
                            confirmeePar: $0.confirmedAt == nil ? nil : CardReplacement.who($0.confirmedByRoles))
            },
            sessionsOuvertes: sessions.map { Session(ouverteLe: $0.createdAt, derniereActiviteLe: $0.lastSeenAt) },
            jetonsPourLAPI: tokens.map {
                Token(nom: $0.label, creeLe: $0.createdAt, expireLe: $0.expiresAt, revoqueLe: $0.revokedAt, derniereUtilisationLe: $0.lastUsedOn)
            },
            actionsDAdministration: actions.map {
                Action(date: $0.createdAt, action: $0.action, resume: AuditSentence.describe($0, names: actionNames))
            },
            mesPropositions: proposals.map {
                OwnProposal(titre: $0.title, texte: $0.body, statut: $0.status.label,
                            publieeSansPseudonyme: $0.anonymous, envoyeeLe: $0.createdAt)
            },
            propositionsSurPapierAConfirmer: claimed.map(\.title),
            mesCommentaires: comments.map {
                OwnComment(proposition: Self.title(of: $0.proposal), texte: $0.body, publie: $0.status == .published,
                           envoyeLe: $0.createdAt)
            },
            propositionsQueJeSoutiens: supports.map { Self.title(of: $0.proposal) },
            notifications: notifications.map { Notification(message: $0.message, date: $0.createdAt, lue: $0.readAt != nil) },
            seances: meetings.values.sorted { $0.date < $1.date },
            votesAuxquelsJaiParticipe: participations,
            mesSignalements: reports.map {
                OwnReport(contenu: $0.kind == .proposal ? "une proposition" : "un commentaire", raison: $0.reason.label,
                          commentaire: $0.comment, envoyeLe: $0.createdAt, decide: $0.resolvedAt != nil)
            },
            debatSurLeNomMesNoms: names.map {
                OwnName(nom: $0.name, explication: $0.explanation, publie: $0.status == .published, envoyeLe: $0.createdAt)
            },
            debatSurLeNomMesAvis: opinions.map {
                OwnOpinion(nom: $0.proposedName.name, position: $0.stance.label, texte: $0.text, publie: $0.status == .published,
                           modifieLe: $0.updatedAt)
            }
        )
    }

    /// Someone else's proposal, unless it is hidden: a hidden title is not given back, even here.
    static func title(of proposal: Proposal) -> String {
        proposal.hiddenAt == nil ? proposal.title : "(proposition masquée par l'équipe de modération)"
    }
}
