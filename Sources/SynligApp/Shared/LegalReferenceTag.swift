import Foundation
import Leaf
import SynligCore
import Vapor

extension Application {
    private struct LegalReferencesKey: StorageKey { typealias Value = LegalReferences }

    /// The acts the product cites, from `Resources/LegalReferences.json`.
    var legalReferences: LegalReferences {
        get { storage[LegalReferencesKey.self] ?? LegalReferences([]) }
        set { storage[LegalReferencesKey.self] = newValue }
    }

    static func loadLegalReferences(into app: Application) throws {
        let path = app.directory.resourcesDirectory + "LegalReferences.json"
        app.legalReferences = try LegalReferences(json: Data(contentsOf: URL(fileURLWithPath: path)))
    }
}

extension Request {
    /// The citation of a current legal reference in this answer's language. An id that is not
    /// in the file (or names a replaced act) is a programming error a test catches; the page
    /// then shows nothing rather than a made-up paragraph.
    func law(_ id: String) -> String {
        guard let reference = application.legalReferences.current(id) else {
            application.localizer.missingKeys.note("law:\(id)")
            return ""
        }
        return reference.citation(language: textLanguage)
    }
}

/// `#law("caregiver_support")` in a template, usually inside a text:
/// `#tf("selfcheck.result_yes_text", law("caregiver_support"))`. No text types a law's
/// paragraph by hand; a test refuses one.
struct LegalReferenceTag: LeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        guard let id = ctx.parameters.first?.string else { throw "law needs a reference id" }
        guard let request = ctx.request else { return .string(id) }
        return .string(request.law(id))
    }
}
