import Foundation
import Testing
@testable import SynligCore

@Suite("Swedish alphabetical order as a sort key")
struct SwedishOrderTests {
    private func sorted(_ names: [String]) -> [String] {
        names.map { ($0, SwedishOrder.key($0)) }.sorted { $0.1.lexicographicallyPrecedes($1.1) }.map(\.0)
    }

    @Test("Å, Ä and Ö come after Z, in that order")
    func letters() {
        #expect(sorted(["Öberg", "Zetterlund", "Ärlig", "Åberg", "Andersson"]) == ["Andersson", "Zetterlund", "Åberg", "Ärlig", "Öberg"])
    }

    @Test("Case and accents do not separate names; other alphabets' neighbours sort as Swedish letters")
    func foldedNames() {
        #expect(SwedishOrder.key("eklöf") == SwedishOrder.key("Eklöf"))
        #expect(SwedishOrder.key("René") == SwedishOrder.key("Rene"))
        #expect(SwedishOrder.key("Müller") == SwedishOrder.key("Myller"))
        #expect(SwedishOrder.key("Ørsted") == SwedishOrder.key("Örsted"))
        #expect(sorted(["Ødegaard", "Nyström", "Æbelø"]) == ["Nyström", "Æbelø", "Ødegaard"])
        #expect(sorted(["Łukasz Nowak", "Lars Ek", "Mats Ek"]) == ["Lars Ek", "Łukasz Nowak", "Mats Ek"])
    }

    @Test("A letter typed as one character or as a letter and a mark is the same letter")
    func composedOrNot() {
        let twoPart = "A\u{030A}berg"
        #expect(SwedishOrder.key(twoPart) == SwedishOrder.key("Åberg"))
        #expect(SwedishOrder.key("Rene\u{0301}") == SwedishOrder.key("René"))
        #expect(sorted(["Zetterlund", twoPart, "Andersson"]) == ["Andersson", "Zetterlund", twoPart])
    }

    @Test("Å, Ä and Ö sort after z and before any sign that follows z")
    func roomAfterZ() {
        #expect(sorted(["{x", "öx", "åx", "zx", "~x"]) == ["zx", "åx", "öx", "{x", "~x"])
    }

    @Test("The same order as a Swedish locale's compare, on names of every kind")
    func agreesWithLocale() {
        let names = ["Åsa Öberg-Ärlig", "Anna Åberg", "Bo Ek", "Cia Lund", "Örjan Ek", "Ärla Berg", "Zara Wik", "Vera Ström",
                     "Wilma Ström", "Émile Dubois", "Erik Dahl", "Östen Ahl", "Ali Hassan", "Aleksandra Nowak", "Li Wei",
                     "Märta Holm", "Maja Holm", "Åke Ek", "Nils d'Été", "Nils Dett"]
        let swedish = Locale(identifier: "sv_SE")
        let byLocale = names.sorted { $0.compare($1, options: [.caseInsensitive], range: nil, locale: swedish) == .orderedAscending }
        #expect(sorted(names) == byLocale)
    }
}
