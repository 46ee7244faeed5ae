import Foundation
import Vapor

/// The server's voice: espeak-ng speaks French into WAV, lame makes it a
/// small MP3 (mono, 16 kHz, 24 kbit/s: about 180 KB a minute), which every
/// browser plays, old phones included. Both are Debian packages, run as
/// programs, fed on their standard input: the text never touches the disk.
struct Voice: Sendable, Equatable {
    let speaker: String
    let encoder: String

    /// Changes when the voice's settings change, so recordings made with the
    /// old ones are made again (the version is part of each recording's key).
    static let settings = "espeak-ng fr s145 | lame mono 16kHz 24kbps"
    static let contentType = "audio/mpeg"
    /// The longest a program may run for one recording.
    static let longestRun: TimeInterval = 30

    /// The voice, if both programs are installed; otherwise why not.
    static func find(environment: [String: String] = ProcessInfo.processInfo.environment) -> Result<Voice, Unavailable> {
        if environment["PORTEVOIX_VOICE"] == "off" { return .failure(.turnedOff) }
        let paths = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init)
        func program(_ name: String) -> String? {
            paths.map { $0 + "/" + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
        }
        guard let speaker = program("espeak-ng") else { return .failure(.missing("espeak-ng")) }
        guard let encoder = program("lame") else { return .failure(.missing("lame")) }
        return .success(Voice(speaker: speaker, encoder: encoder))
    }

    enum Unavailable: Error, Sendable, Equatable {
        case missing(String)
        case turnedOff

        var explanation: String {
            switch self {
            case .missing(let program):
                "the « Écouter » links are hidden: the program \(program) is not installed (sudo apt-get install espeak-ng lame)"
            case .turnedOff:
                "the « Écouter » links are hidden: PORTEVOIX_VOICE=off"
            }
        }
    }

    struct Failed: Error, CustomStringConvertible {
        let description: String
    }

    /// The text spoken, as MP3 bytes. Blocking: call it from a thread pool.
    func speak(_ text: String) throws -> Data {
        let wave = try run(speaker, ["-v", "fr", "-s", "145", "--stdin", "--stdout"], input: Data(text.utf8))
        return try run(encoder, ["--quiet", "-m", "m", "--resample", "16", "-b", "24", "-", "-"], input: wave)
    }

    /// What espeak-ng would say, as its phoneme mnemonics (`-x`): for tests.
    func phonemes(_ text: String) throws -> String {
        let output = try run(speaker, ["-v", "fr", "-q", "-x", "--stdin"], input: Data(text.utf8))
        return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs a program with `input` on its standard input and returns its
    /// standard output; the input is written from another thread so that a
    /// full pipe never blocks both ends.
    private func run(_ path: String, _ arguments: [String], input: Data) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        // A text that makes a program hang (or crash in a loop) is stopped.
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + Self.longestRun, execute: watchdog)
        defer { watchdog.cancel() }
        let writer = Thread {
            stdin.fileHandleForWriting.write(input)
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, !output.isEmpty else {
            throw Failed(description: "\((path as NSString).lastPathComponent) exited with status \(process.terminationStatus)")
        }
        return output
    }
}
