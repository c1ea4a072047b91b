import Foundation
import Testing

/// The command-line PDF tools the encrypted export is checked with. CI installs them
/// (`scripts/test`: qpdf, poppler-utils); a test that needs one and finds none fails.
enum PDFTools {
    struct Result {
        var status: Int32
        var output: String
        var errors: String
    }

    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return (path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin"])
            .map { $0 + "/" + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs the tool, or records a failure (not a skip) when it is not installed.
    static func run(_ name: String, _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> Result? {
        guard let executable = find(name) else {
            Issue.record("\(name) is not installed; scripts/test installs it (apt-get install qpdf poppler-utils)", sourceLocation: sourceLocation)
            return nil
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: out, as: UTF8.self), errors: String(decoding: err, as: UTF8.self))
    }

    /// A fresh file path under the temporary directory.
    static func temporary(_ suffix: String) -> String {
        let directory = NSTemporaryDirectory() + "synlig-tests/"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory + UUID().uuidString + suffix
    }

    /// The text of an encrypted PDF opened with `password`: decrypted by qpdf, read by pdftotext.
    /// nil (and a recorded failure) when a tool is missing or the password does not open it.
    static func text(ofEncrypted bytes: [UInt8], password: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String? {
        let encrypted = temporary(".pdf"), decrypted = temporary(".pdf")
        defer { for path in [encrypted, decrypted] { try? FileManager.default.removeItem(atPath: path) } }
        try Data(bytes).write(to: URL(fileURLWithPath: encrypted))
        guard let check = try run("qpdf", ["--check", "--password=" + password, encrypted], sourceLocation: sourceLocation) else { return nil }
        #expect(check.status == 0, "qpdf --check: \(check.output) \(check.errors)", sourceLocation: sourceLocation)
        #expect(!check.output.contains("ERROR") && !check.errors.contains("ERROR"), "\(check.output) \(check.errors)", sourceLocation: sourceLocation)
        #expect(check.output.contains("R = 6"), "revision 6: \(check.output)", sourceLocation: sourceLocation)
        guard let decrypt = try run("qpdf", ["--decrypt", "--password=" + password, encrypted, decrypted], sourceLocation: sourceLocation),
              decrypt.status == 0 else {
            Issue.record("qpdf could not decrypt with the passphrase", sourceLocation: sourceLocation)
            return nil
        }
        guard let text = try run("pdftotext", ["-layout", "-enc", "UTF-8", decrypted, "-"], sourceLocation: sourceLocation) else { return nil }
        #expect(text.status == 0, sourceLocation: sourceLocation)
        return text.output
    }

    /// Whether qpdf refuses to open the file with this password (nil: no password at all).
    static func refuses(_ bytes: [UInt8], password: String?, sourceLocation: SourceLocation = #_sourceLocation) throws -> Bool {
        let encrypted = temporary(".pdf"), decrypted = temporary(".pdf")
        defer { for path in [encrypted, decrypted] { try? FileManager.default.removeItem(atPath: path) } }
        try Data(bytes).write(to: URL(fileURLWithPath: encrypted))
        let arguments = ["--decrypt"] + (password.map { ["--password=" + $0] } ?? []) + [encrypted, decrypted]
        guard let result = try run("qpdf", arguments, sourceLocation: sourceLocation) else { return false }
        return result.status != 0 && result.errors.lowercased().contains("password")
    }
}
