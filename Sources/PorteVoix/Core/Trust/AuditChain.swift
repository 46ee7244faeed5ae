import Crypto
import Plot
import Fluent
import Vapor

/// The audit log's hash chain. Each entry's hash covers its own content and
/// the previous entry's hash, so changing or removing an entry breaks every
/// hash after it. Whoever can write to the database could recompute them
/// all: that is why the head (last number and hash) is published on the
/// transparency page, and `audit-verify --head` proves that an earlier
/// published head is still in the chain.
enum AuditChain {
    /// The "previous hash" of entry 1.
    static let genesis = String(repeating: "0", count: 64)

    static func hash(of entry: AuditEntry) -> String {
        let fields = [
            "portevoix-audit-1",
            String(entry.sequence),
            entry.$actor.id?.uuidString ?? "",
            entry.action,
            entry.subjectKind ?? "",
            entry.subjectID?.uuidString ?? "",
            entry.details,
            String(Int64(entry.createdAt.timeIntervalSince1970.rounded(.down))),
            entry.previousHash,
        ]
        return SecureToken.hash(fields.joined(separator: "\n"))
    }

    struct Verification: Sendable {
        /// Entries checked.
        var count = 0
        var lastHash = AuditChain.genesis
        /// The first entry that does not hold: its number, and what is wrong.
        var broken: (sequence: Int, problem: String)?
        /// With a head given: the number of the entry it names, if it is in the chain.
        var headFound: Int?

        var isIntact: Bool { broken == nil }
    }

    /// What is wrong with `entry` where entry n° `expected`, following `previous`, should be; nil when it holds.
    static func problem(of entry: AuditEntry, expected: Int, previous: String) -> (sequence: Int, problem: String)? {
        if entry.sequence != expected {
            return (expected, entry.sequence > expected
                ? "l'entrée n° \(expected) manque (la suivante est la n° \(entry.sequence))"
                : "l'entrée n° \(entry.sequence) est en double")
        }
        if entry.previousHash != previous {
            return (entry.sequence, "elle ne suit pas l'entrée précédente (empreinte précédente différente)")
        }
        if hash(of: entry) != entry.hash {
            return (entry.sequence, "son contenu a été modifié (son empreinte ne correspond plus)")
        }
        return nil
    }

    /// How far a running check has come: the last entry found sound.
    struct Progress: Sendable, Equatable {
        var sequence = 0
        var hash = AuditChain.genesis
    }

    enum Step: Sendable {
        /// Sound up to `progress`; `caughtUp` when it reached the stored head.
        case sound(Progress, caughtUp: Bool)
        case broken(sequence: Int, problem: String)
    }

    /// Checks at most `limit` entries after `progress`, up to the head stored
    /// when it starts (entries written meanwhile wait for the next step), for
    /// `/healthz`: the whole chain once, then only what was added.
    static func step(from progress: Progress, on database: any Database, limit: Int = 2000) async throws -> Step {
        let head = try await AuditLog.storedHead(on: database)
        if head.sequence < progress.sequence {
            return .broken(sequence: head.sequence + 1, problem: "les entrées n° \(head.sequence + 1) à \(progress.sequence) ont disparu")
        }
        let entries = try await AuditEntry.query(on: database).filter(\.$sequence > progress.sequence)
            .filter(\.$sequence <= head.sequence).sort(\.$sequence).limit(limit).all()
        var current = progress
        for entry in entries {
            if let problem = problem(of: entry, expected: current.sequence + 1, previous: current.hash) {
                return .broken(sequence: problem.sequence, problem: problem.problem)
            }
            current = Progress(sequence: entry.sequence, hash: entry.hash)
        }
        guard current.sequence == head.sequence else {
            if entries.count < limit {
                return .broken(sequence: current.sequence + 1,
                               problem: "les entrées n° \(current.sequence + 1) à \(head.sequence) manquent à la fin du journal")
            }
            return .sound(current, caughtUp: false)
        }
        if current.hash != head.hash {
            return .broken(sequence: head.sequence, problem: "la tête enregistrée ne correspond pas à la dernière entrée")
        }
        return .sound(current, caughtUp: true)
    }

    /// Walks the whole chain in order, recomputing every hash.
    static func verify(on database: any Database, head: String? = nil, batch: Int = 1000) async throws -> Verification {
        var result = Verification()
        var expected = 1
        var previous = genesis
        var after = 0
        let wantedHead = head?.lowercased()
        while true {
            let entries = try await AuditEntry.query(on: database).filter(\.$sequence > after)
                .sort(\.$sequence).limit(batch).all()
            guard let last = entries.last else { break }
            for entry in entries {
                if result.broken == nil {
                    if let problem = problem(of: entry, expected: expected, previous: previous) {
                        result.broken = problem
                    } else if wantedHead == entry.hash {
                        result.headFound = entry.sequence
                    }
                }
                previous = entry.hash
                expected = entry.sequence + 1
                result.count += 1
            }
            after = last.sequence
        }
        result.lastHash = previous
        // Entries removed at the end leave the chain whole: the head row,
        // written with each entry, still names the last one.
        let head = try await AuditLog.storedHead(on: database)
        if result.broken == nil, head.sequence != expected - 1 || head.hash != previous {
            result.broken = (expected, head.sequence > expected - 1
                ? "les entrées n° \(expected) à \(head.sequence) manquent à la fin du journal"
                : "la tête enregistrée (n° \(head.sequence)) ne correspond pas à la dernière entrée")
        }
        return result
    }
}

/// `portevoix audit-verify [--head HASH]`: checks the audit log's chain.
struct AuditVerifyCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "head", help: "Une empreinte de tête notée plus tôt (page de transparence) : vérifie que rien avant elle n'a changé.")
        var head: String?

        init() {}
    }

    var help: String {
        "Vérifie la chaîne du journal des actions : chaque entrée, dans l'ordre, et la tête publiée si elle est donnée."
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let result = try await AuditChain.verify(on: context.application.db, head: signature.head)
        if let broken = result.broken {
            context.console.error("Journal altéré à l'entrée n° \(broken.sequence) : \(broken.problem).")
            throw CommandFailure()
        }
        if let head = signature.head {
            guard let found = result.headFound else {
                context.console.error("La tête \(head) n'est pas dans le journal : des entrées ont été modifiées ou supprimées "
                    + "depuis qu'elle a été notée.")
                throw CommandFailure()
            }
            context.console.success("La tête notée est l'entrée n° \(found) : rien avant elle n'a changé.")
        }
        context.console.success("Journal intact : \(result.count) entrée\(result.count > 1 ? "s" : ""), tête \(result.lastHash).")
    }
}

/// The published head of the chain, as pages show it.
enum AuditHead {
    static func paragraph(_ head: (sequence: Int, hash: String)) -> Node<HTML.BodyContext> {
        .p(.class("empreinte"),
           .text("Tête du journal : entrée n° \(head.sequence), empreinte "),
           .code(.plain(head.hash)),
           .text(". Notez-la : la commande « portevoix audit-verify --head » prouvera plus tard que rien avant elle n'a changé."))
    }
}
