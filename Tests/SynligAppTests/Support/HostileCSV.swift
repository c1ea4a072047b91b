import Foundation

/// CSV exports as a spreadsheet would open them: no cell may start a formula.
enum HostileCSV {
    /// Every cell that would start a formula in a spreadsheet (= + - @, or a tab or carriage
    /// return before one) carries the apostrophe that makes it text. A number is data.
    static func check(_ text: String, where link: String, tally: inout HostileFormTests.Tally) {
        for cell in csvCells(text) {
            tally.csvCells += 1
            if cell.hasPrefix("'"), let second = cell.dropFirst().unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(second) { tally.csvFormulas += 1 }
            guard let first = cell.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { continue }
            if Double(cell) != nil || cell.range(of: #"^[+-]?[0-9 ()-]+$"#, options: .regularExpression) != nil { continue }
            tally.failures.append("\(link): a cell a spreadsheet would run: \(cell.prefix(40).debugDescription)")
        }
    }

    /// The cells of an RFC 4180 document, quotes undone.
    static func csvCells(_ text: String) -> [String] {
        var cells: [String] = [], cell = "", quoted = false, wasQuoted = false
        var characters = Array(text.unicodeScalars.drop { $0 == "\u{FEFF}" })
        characters.append(",")
        var index = 0
        while index < characters.count {
            let c = characters[index]
            if quoted {
                if c == "\"" {
                    if index + 1 < characters.count, characters[index + 1] == "\"" { cell.unicodeScalars.append("\""); index += 1 } else { quoted = false }
                } else { cell.unicodeScalars.append(c) }
            } else if c == "\"" {
                quoted = true; wasQuoted = true
            } else if c == "," || c == "\n" || c == "\r" {
                if !cell.isEmpty || wasQuoted { cells.append(cell) }
                cell = ""; wasQuoted = false
            } else { cell.unicodeScalars.append(c) }
            index += 1
        }
        return cells
    }
}
