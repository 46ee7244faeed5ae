import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import PorteVoix

/// Seconds of sound in an MP3, decoded by lame (the same program, run the other way).
func decodedSeconds(_ mp3: ByteBuffer) throws -> Double {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ecoute-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let input = folder.appendingPathComponent("a.mp3"), output = folder.appendingPathComponent("a.wav")
    try Data(buffer: mp3).write(to: input)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/lame")
    process.arguments = ["--quiet", "--decode", input.path, output.path]
    try process.run()
    process.waitUntilExit()
    let wave = try Data(contentsOf: output)
    // A canonical WAV header: sample rate at 24, bytes per second at 28, data after 44 bytes.
    let bytesPerSecond = wave[28..<32].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
    return Double(wave.count - 44) / Double(bytesPerSecond)
}

@Suite("What the voice is given")
struct SpokenTextTests {
    @Test func theSitesWordsAreWrittenForTheEar() {
        let text = SpokenText.normalised("Le RSA, la CAF et les APL : séance le 12/03/2027 à 14 h 30, puis à 9h. Le 1er et le 2e point. Voir https://exemple.fr, n° 3, etc.")
        #expect(text.contains("R S A"))
        #expect(text.contains("la caf"))
        #expect(text.contains("A P L"))
        #expect(text.contains("12 mars 2027"))
        #expect(text.contains("14 heures 30"))
        #expect(text.contains("9 heures"))
        #expect(text.contains("premier") && text.contains("deuxième"))
        #expect(text.contains("(un lien)") && !text.contains("https"))
        #expect(text.contains("numéro 3") && text.contains("et cetera"))
    }

    @Test func markdownIsReadAsSentences() {
        let text = SpokenText.fromMarkdown("---\ntitle: T\n---\n## Le respect\n\n- Je parle des **idées**\n- Voir [la charte](/charte)\n")
        #expect(!text.contains("#") && !text.contains("**") && !text.contains("]("))
        #expect(text.contains("Le respect.") && text.contains("Je parle des idées.") && text.contains("Voir la charte."))
        #expect(!text.contains("title"))
    }

    @Test func aLongTextIsCutAtASentence() {
        let long = String(repeating: "Une phrase de plus. ", count: 600)
        let text = SpokenText.make([long])
        #expect(text.count <= SpokenText.maximumLength + SpokenText.cutNotice.count + 1)
        #expect(text.hasSuffix(SpokenText.cutNotice))
    }

    /// What espeak-ng itself makes of the normalised text (`-x`: its phonemes).
    @Test func espeakSaysWhatWeMean() throws {
        let voice = try #require(try? Voice.find().get(), "espeak-ng and lame are installed by the test command")
        let rsa = try voice.phonemes(SpokenText.normalised("Le RSA"))
        #expect(rsa.contains("Er") && rsa.contains("Es"), "R, S, A spelled: \(rsa)")
        let time = try voice.phonemes(SpokenText.normalised("à 14 h 30"))
        #expect(time.contains("'Wr") && !time.contains("aS"), "heures, not « hache »: \(time)")
        #expect(try voice.phonemes("à 14 h 30").contains("aS"), "without the normalisation it says « hache »")
        let apl = try voice.phonemes(SpokenText.normalised("les APL"))
        #expect(!apl.contains("(en)"), "not read as English: \(apl)")
        let date = try voice.phonemes(SpokenText.normalised("le 12/03/2027"))
        #expect(date.contains("m'ars"), "the month in words: \(date)")
    }
}

@Suite("Pages you can listen to")
struct ListeningTests {
    @Test func theCharterAProposalAnAnswerAndAPollAreSpokenAndLongerTextLastsLonger() async throws {
        try await withTestApp { app in
            #expect(app.voice != nil)
            var visitor = Browser(app)
            let page = try await visitor.get("/charte")
            #expect(page.text.contains("<audio controls preload=\"none\""))
            #expect(page.text.contains("src=\"/ecouter/charte\""))
            let charter = try await visitor.get("/ecouter/charte")
            #expect(charter.status == .ok)
            #expect(charter.headers.contentType?.description == "audio/mpeg")
            #expect(try decodedSeconds(charter.body) > 30, "the charter is read whole")

            let author = try await makeMember(app, "Camille")
            let short = try await makeProposal(app, title: "Un banc", body: "Un banc devant la mairie.", author: author)
            let long = try await makeProposal(app, title: "Des horaires adaptés",
                                              body: String(repeating: "Les guichets ferment trop tôt pour les parents seuls. ", count: 8),
                                              author: author)
            let shortAudio = try await visitor.get("/ecouter/propositions/\(short.id!)")
            let longAudio = try await visitor.get("/ecouter/propositions/\(long.id!)")
            #expect(shortAudio.status == .ok && longAudio.status == .ok)
            let shortSeconds = try decodedSeconds(shortAudio.body), longSeconds = try decodedSeconds(longAudio.body)
            #expect(shortSeconds > 1 && longSeconds > shortSeconds * 3, "\(shortSeconds) s, \(longSeconds) s")

            // The answer is read with the proposal: the recording grows.
            short.answer = String(repeating: "Le Département installera un banc au printemps. ", count: 4)
            short.status = .answered
            try await short.save(on: app.db)
            let answered = try await visitor.get("/ecouter/propositions/\(short.id!)")
            #expect(try decodedSeconds(answered.body) > shortSeconds + 5)
            #expect(try await SpeechRecording.query(on: app.db).filter(\.$source == "proposition:\(short.id!)").count() == 1,
                    "the recording of the old text is replaced, not kept beside")

            // A poll: the question and every option in one recording.
            let poll = try await makePoll(app, options: ["Bus", "Vélo", "Covoiturage"])
            let text = try #require(try await ListenableTexts.poll(poll.id!, on: app.db))
            #expect(text.contains("Bus") && text.contains("Vélo") && text.contains("Covoiturage"))
            #expect(try await visitor.get("/ecouter/scrutins/\(poll.id!)").status == .ok)
            #expect(try await visitor.get("/ecouter/scrutins/\(poll.id!)", headers: ["Range": "bytes=0-1"]).status == .partialContent)
        }
    }

    @Test func nothingUnpublishedIsEverSpoken() async throws {
        try await withTestApp { app in
            let author = try await makeMember(app, "Camille")
            let waiting = try await makeProposal(app, author: author, status: .submitted)
            let draft = try await makePoll(app, status: .draft)
            var visitor = Browser(app)
            #expect(try await visitor.get("/ecouter/propositions/\(waiting.id!)").status == .notFound)
            #expect(try await visitor.get("/ecouter/scrutins/\(draft.id!)").status == .notFound)
            #expect(try await visitor.get("/ecouter/propositions/\(UUID())").status == .notFound)
            #expect(try await SpeechRecording.query(on: app.db).count() == 0)
        }
    }

    @Test func aHiddenOrRefusedTextLosesItsRecording() async throws {
        try await withTestApp { app in
            let author = try await makeMember(app, "Camille")
            let proposal = try await makeProposal(app, author: author)
            var visitor = Browser(app)
            #expect(try await visitor.get("/ecouter/propositions/\(proposal.id!)").status == .ok)
            #expect(try await SpeechRecording.query(on: app.db).count() == 1)
            try await Reports.decide(.proposal, id: proposal.id!, hide: .personalData, on: app.db, now: app.clock.now())
            #expect(try await SpeechRecording.query(on: app.db).count() == 0, "hidden: its recording is destroyed")
            #expect(try await visitor.get("/ecouter/propositions/\(proposal.id!)").status == .notFound)
        }
    }

    /// Hidden while the voice was speaking: the recording made from the
    /// old text is not kept, and the listener gets nothing.
    @Test func aTextHiddenWhileItIsSpokenLeavesNoRecording() async throws {
        try await withTestApp { app in
            let author = try await makeMember(app, "Camille")
            let proposal = try await makeProposal(app, author: author)
            let queue = app.speechQueue
            await queue.closeGate()
            async let listened: HTTPStatus = {
                var visitor = Browser(app)
                return try await visitor.get("/ecouter/propositions/\(proposal.id!)").status
            }()
            while await queue.waitingAtGate < 1 { try await Task.sleep(for: .milliseconds(20)) }
            try await Reports.decide(.proposal, id: proposal.id!, hide: .personalData, on: app.db, now: app.clock.now())
            await queue.openGate()
            _ = try await listened
            #expect(try await SpeechRecording.query(on: app.db).count() == 0, "the old text's recording is not kept")
        }
    }

    @Test func withoutAVoiceThePagesShowNoPlayer() async throws {
        try await withTestApp { app in
            app.voice = nil
            var visitor = Browser(app)
            let page = try await visitor.get("/charte").text
            #expect(!page.contains("<audio"))
            #expect(try await visitor.get("/ecouter/charte").status == .notFound)
        }
        #expect(Voice.find(environment: ["PATH": "/nonexistent"]) == .failure(.missing("espeak-ng")))
    }

    /// More new recordings asked for than the queue holds: the extra one is
    /// refused at once with a clear page, the pages keep answering, and the
    /// ones waiting are made once there is room.
    @Test func aFullQueueRefusesAtOnceAndThePagesKeepAnswering() async throws {
        try await withTestApp { app in
            let author = try await makeMember(app, "Camille")
            var proposals: [Proposal] = []
            for index in 0..<7 {
                proposals.append(try await makeProposal(app, title: "Proposition \(index)", body: "Texte numéro \(index).", author: author))
            }
            let queue = app.speechQueue
            await queue.closeGate()
            let capacity = queue.running + queue.waiting
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for proposal in proposals.prefix(capacity) {
                    group.addTask {
                        var visitor = Browser(app)
                        return try await visitor.get("/ecouter/propositions/\(proposal.id!)").status
                    }
                }
                // Wait until all are in: some making, the rest waiting their turn.
                while await queue.load < capacity { try await Task.sleep(for: .milliseconds(20)) }
                let atGate = await queue.waitingAtGate
                #expect(atGate == queue.running)
                var visitor = Browser(app)
                let extra = try await visitor.get("/ecouter/propositions/\(proposals[capacity].id!)")
                #expect(extra.status == .serviceUnavailable)
                #expect(extra.text.contains("L&#39;écoute est très demandée") || extra.text.contains("L'écoute est très demandée"))
                #expect(try await visitor.get("/propositions").status == .ok, "the pages keep answering")
                #expect(try await visitor.get(proposals[0].path).status == .ok)
                await queue.openGate()
                var all: [HTTPStatus] = []
                for try await status in group { all.append(status) }
                return all
            }
            #expect(statuses.count == capacity && statuses.allSatisfy { $0 == .ok })
            let load = await queue.load
            #expect(load == 0)
        }
    }

    @Test func theContentPagesEasyVersionComesFirstAndIsReadFirst() async throws {
        try await withTestApp { app in
            var visitor = Browser(app)
            let page = try await visitor.get("/charte").text
            let easy = try #require(page.range(of: "La charte, facile à lire"))
            let full = try #require(page.range(of: "Le texte complet"))
            #expect(easy.lowerBound < full.lowerBound)
            #expect(page.contains("href=\"#texte-complet\""))
            let text = try #require(ListenableTexts.content("charte", store: app.contentStore))
            #expect(text.hasPrefix("La charte, facile à lire"))
        }
    }
}
